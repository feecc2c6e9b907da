#!/usr/bin/env bash
# A throw-away CA and the certificates Keelson's mTLS needs, for trials (use your own PKI in production):
#   deploy/helm/dev-ca.sh RELEASE NAMESPACE [OUT_DIR]
# writes OUT_DIR (default ./keelson-dev-ca) with ca.crt/key, service.crt/key (a server certificate naming every
# system's Service), gateway.crt/key (the gateway's client certificate) and keelson-tls.yaml, the Secret to apply:
#   kubectl -n NAMESPACE apply -f keelson-dev-ca/keelson-tls.yaml
set -euo pipefail
release="${1:?usage: dev-ca.sh RELEASE NAMESPACE [OUT_DIR]}"
namespace="${2:?usage: dev-ca.sh RELEASE NAMESPACE [OUT_DIR]}"
out="${3:-./keelson-dev-ca}"
command -v openssl >/dev/null || { echo "dev-ca.sh: openssl is needed" >&2; exit 1; }
case "$release" in *keelson*) full="$release" ;; *) full="$release-keelson" ;; esac  # the chart's fullname
mkdir -p "$out"
umask 077

san="DNS:localhost,IP:127.0.0.1"  # also for a port-forward or a local trial
for system in gpuos acrfence sysom wio agentcgroup schedcp; do
  host="$full-$system"
  san="$san,DNS:$host,DNS:$host.$namespace,DNS:$host.$namespace.svc,DNS:$host.$namespace.svc.cluster.local"
done

openssl req -x509 -newkey rsa:3072 -nodes -days 365 -subj "/CN=keelson dev CA ($release)" \
  -keyout "$out/ca.key" -out "$out/ca.crt" 2>/dev/null
issue() { # name subject extensions
  openssl req -newkey rsa:3072 -nodes -subj "/CN=$2" -keyout "$out/$1.key" -out "$out/$1.csr" 2>/dev/null
  openssl x509 -req -in "$out/$1.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial -days 365 \
    -extfile <(printf '%s\n' "$3") -out "$out/$1.crt" 2>/dev/null
  rm -f "$out/$1.csr"
}
issue service "keelson systems" "subjectAltName=$san
extendedKeyUsage=serverAuth"
issue gateway "keelson gateway" "extendedKeyUsage=clientAuth"

b64() { base64 < "$1" | tr -d '\n'; }
cat > "$out/keelson-tls.yaml" <<YAML
apiVersion: v1
kind: Secret
metadata:
  name: keelson-tls
  namespace: $namespace
type: Opaque
data:
  ca.crt: $(b64 "$out/ca.crt")
  service.crt: $(b64 "$out/service.crt")
  service.key: $(b64 "$out/service.key")
  gateway.crt: $(b64 "$out/gateway.crt")
  gateway.key: $(b64 "$out/gateway.key")
YAML
echo "wrote $out (apply $out/keelson-tls.yaml; keep ca.key out of the cluster)"
