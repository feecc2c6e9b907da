#!/usr/bin/env bash
# Container images of the control plane and of every system's standalone server, as image tarballs
# (docker-archive format: `docker load`, `podman load`, `skopeo copy docker-archive:...`), built with Jib - no
# Docker daemon, no registry:
#   deploy/images/build.sh [--verify]          (./keelson images [--verify])
# The base is made here, not pulled: a jlink'ed Java runtime from this JDK plus the C libraries it needs, from
# Debian's packages (libc6, libstdc++6, libgcc-s1, zlib1g), and a non-root user 10001. Each image runs its
# component as that user. --verify unpacks every image and runs it (chroot, as user 10001, /proc and /dev bound)
# until it serves; it needs root.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/deploy/images/target"
REGISTRY="${KEELSON_IMAGE_REGISTRY:-ghcr.io/keelson}"
TAG="${KEELSON_IMAGE_TAG:-$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$ROOT/platform-bom/pom.xml" | head -n 1 | sed 's/-SNAPSHOT//')}"
VERIFY=false
[ "${1:-}" = --verify ] && VERIFY=true
die() { echo "images: $*" >&2; exit 1; }

# component, Maven module, main class (the control plane runs its Quarkus jar instead), what it prints once it serves,
# the arguments --verify runs it with (a server: port 0; the node agent, which serves nothing: its node mode, until it
# has looked for ranks and says it waits for its token)
COMPONENTS=(
  "control-plane control-plane - gRPC_gateway_on 0"
  "gpuos-service gpuos/gpuos-service io.keelson.gpuos.service.GpuOsServer LISTENING 0"
  "agentcgroup-service agentcgroup/agentcgroup-service io.keelson.agentcgroup.service.AgentCgroupServer LISTENING 0"
  "acrfence-service acrfence/acrfence-service io.keelson.acrfence.service.AcrFenceServer LISTENING 0"
  "sysom-service sysom/sysom-service io.keelson.sysom.service.SysomServer LISTENING 0"
  "sysom-agent sysom/sysom-agent io.keelson.sysom.agent.NodeAgent /tmp/no-token node_--traces-root=/tmp_--endpoint=127.0.0.1:1_--token-file=/tmp/no-token_--stacks=off_--health-port=0"
  "schedcp-service schedcp/schedcp-service io.keelson.schedcp.service.SchedCpServer LISTENING 0"
  "wio-service wio/wio-service io.keelson.wio.service.WioServer LISTENING 0"
)
JAVA_MODULES=java.se,jdk.unsupported,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.management,jdk.management.agent,jdk.jfr,jdk.naming.dns,jdk.zipfs,jdk.net,jdk.httpserver,jdk.localedata
PERMISSIONS="/opt/java/bin/*=755,/opt/java/lib/jspawnhelper=755,/opt/java/lib/jexec=755,/lib64/ld-linux-x86-64.so.2=755,/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2=755,/tmp=777,/var/lib/keelson=777"
ENVIRONMENT="PATH=/opt/java/bin,LD_LIBRARY_PATH=/opt/java/lib,KEELSON_HOME=/var/lib/keelson"

base() {
  local base="$OUT/base" java_home
  [ -x "$base/opt/java/bin/java" ] && return
  command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || die "the base is made from Debian packages: apt-get and dpkg-deb are needed"
  java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  [ -d "$java_home/jmods" ] || die "jlink needs a JDK with jmods ($java_home has none)"
  rm -rf "$base" "$OUT/debs" && mkdir -p "$base" "$OUT/debs"
  (cd "$OUT/debs" && apt-get download -q libc6 libstdc++6 libgcc-s1 zlib1g >/dev/null 2>&1) \
    || { apt-get update -qq && (cd "$OUT/debs" && apt-get download -q libc6 libstdc++6 libgcc-s1 zlib1g >/dev/null); }
  for deb in "$OUT"/debs/*.deb; do dpkg-deb -x "$deb" "$base"; done
  # Jib copies files, not links: replace each link by what it points to inside the image (absolute targets too)
  find "$base" -type l | while read -r link; do
    target="$(readlink "$link")"
    case "$target" in /*) source="$base$target" ;; *) source="$(dirname "$link")/$target" ;; esac
    rm "$link"
    if [ -e "$source" ]; then cp -rL "$source" "$link"; fi
  done
  jlink --module-path "$java_home/jmods" --add-modules "$JAVA_MODULES" --strip-debug --no-header-files --no-man-pages \
    --compress=2 --output "$base/opt/java"
  mkdir -p "$base/etc" "$base/tmp" "$base/var/lib/keelson"
  printf 'root:x:0:0::/root:/sbin/nologin\nkeelson:x:10001:10001::/var/lib/keelson:/sbin/nologin\n' > "$base/etc/passwd"
  printf 'root:x:0:\nkeelson:x:10001:\n' > "$base/etc/group"
}

image() { # component module main
  local component="$1" module="$2" main="$3" tar="$OUT/$1.tar"
  local -a args=(-B -q -pl "$module" com.google.cloud.tools:jib-maven-plugin:buildTar -Djib.from.image=scratch
    "-Djib.to.image=$REGISTRY/$component:$TAG" "-Djib.outputPaths.tar=$tar" "-Djib.extraDirectories.permissions=$PERMISSIONS"
    -Djib.container.user=10001 "-Djib.container.environment=$ENVIRONMENT" -Djib.container.workingDirectory=/var/lib/keelson)
  if [ "$main" = - ]; then
    # the Quarkus application as Quarkus lays it out (target/quarkus-app) under /app, started as ./keelson up starts
    # it; Jib runs on the dependency-free deploy module so no second copy of the libraries goes in
    rm -rf "$OUT/quarkus-app" && mkdir -p "$OUT/quarkus-app" && cp -r "$ROOT/$module/target/quarkus-app" "$OUT/quarkus-app/app"
    args[3]=deploy
    mkdir -p "$ROOT/deploy/target/classes" # it has no classes of its own; Jib wants the directory
    args+=("-Djib.extraDirectories.paths=$OUT/base,$OUT/quarkus-app" "-Djib.container.entrypoint=java,-jar,/app/quarkus-run.jar")
  else
    args+=("-Djib.extraDirectories.paths=$OUT/base" "-Djib.container.mainClass=$main")
  fi
  (cd "$ROOT" && ./mvnw "${args[@]}")
  echo "images: $tar ($(du -m "$tar" | cut -f1) MiB)"
}

ready() { # port: whether GET /q/health/ready answers 200 (bash's /dev/tcp: no curl needed)
  local status
  status="$( { exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET /q/health/ready HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3 \
    && head -n 1 <&3; } 2>/dev/null || true)"
  case "$status" in *" 200 "*) return 0 ;; *) return 1 ;; esac
}

verify() { # component marker arguments (_ for a space in either)
  local component="$1" marker="${2//_/ }" arguments="${3//_/ }" rootfs="$OUT/verify/$1" log="$OUT/verify/$1.log" entry
  [ "$(id -u)" -eq 0 ] || die "--verify runs the images in a chroot: run as root"
  rm -rf "$rootfs" && mkdir -p "$rootfs/layers" "$rootfs/fs"
  tar -xf "$OUT/$component.tar" -C "$rootfs/layers"
  for layer in $(grep -o '[0-9a-f]\{64\}\.tar\.gz' "$rootfs/layers/manifest.json"); do
    tar --warning=no-unknown-keyword -xzf "$rootfs/layers/$layer" -C "$rootfs/fs"
  done
  mkdir -p "$rootfs/fs/proc" "$rootfs/fs/dev"
  entry="$(sed -n 's/.*"Entrypoint":\[\([^]]*\)\].*/\1/p' "$rootfs/layers/config.json" | tr -d '"' | tr ',' ' ')"
  # the image's entrypoint, as its user, with its environment and the component's arguments; in a session of its
  # own so that all of it can be stopped at once
  setsid timeout 120 unshare -m sh -c "cd '$rootfs' && mount -t proc proc fs/proc && mount --bind /dev fs/dev && \
      exec env -i PATH=/opt/java/bin LD_LIBRARY_PATH=/opt/java/lib KEELSON_HOME=/var/lib/keelson QUARKUS_HTTP_PORT=0 KEELSON_GATEWAY_PORT=0 \
      KEELSON_AGENTCGROUP_BACKEND=emulated KEELSON_HEALTH_PORT=0 /usr/sbin/chroot --userspec=10001:10001 fs $entry $arguments" > "$log" 2>&1 &
  local runner=$! waited=0
  until grep -q "$marker" "$log" 2>/dev/null; do
    if ! kill -0 "$runner" 2>/dev/null || [ $waited -ge 200 ]; then
      kill -- -"$runner" 2>/dev/null || true
      tail -n 20 "$log" >&2
      die "$component: the image did not serve (log above: $log)"
    fi
    sleep 0.5; waited=$((waited + 1))
  done
  # the kubelet's probe as the chart makes it: the process's HTTP health port (a service's HEALTH line, the node
  # agent's health_port, the control plane's Quarkus port) answers /q/health/ready with 200
  local health
  health="$(grep -m1 -oE '^HEALTH [0-9]+|"health_port":[0-9]+|Listening on: http://[^ ]+:[0-9]+' "$log" | grep -oE '[0-9]+$' || true)"
  if [ -n "$health" ]; then
    waited=0
    until ready "$health"; do
      if [ $waited -ge 40 ]; then
        kill -- -"$runner" 2>/dev/null || true
        die "$component: serves, but its health port $health never answered /q/health/ready with 200"
      fi
      sleep 0.5; waited=$((waited + 1))
    done
  fi
  kill -- -"$runner" 2>/dev/null || true
  wait "$runner" 2>/dev/null || true
  echo "images: $component runs as user 10001: $(grep -m1 "$marker" "$log" | cut -c1-120)${health:+; /q/health/ready 200 on port $health}"
  rm -rf "$rootfs"
}

mkdir -p "$OUT"
[ -f "$ROOT/control-plane/target/quarkus-app/quarkus-run.jar" ] || (cd "$ROOT" && ./mvnw -B -q -DskipTests install)
base
for spec in "${COMPONENTS[@]}"; do
  read -r component module main marker arguments <<< "$spec"
  image "$component" "$module" "$main"
  if $VERIFY; then verify "$component" "$marker" "$arguments"; fi
done
