package io.keelson.agentcgroup.service;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.keelson.agentcgroup.core.cgroup.CgroupLayout;
import io.keelson.agentcgroup.v1.AgentCgroupServiceGrpc;
import io.keelson.agentcgroup.v1.CreateSessionRequest;
import io.keelson.agentcgroup.v1.Priority;
import io.keelson.agentcgroup.v1.RunToolCallEvent;
import io.keelson.agentcgroup.v1.RunToolCallRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

/** kill -9 of the service mid-call leaves the call running in its cgroup; the next start reaps both, on either backend. */
class CrashReapTest {

    @TempDir
    Path home;

    @ParameterizedTest
    @EnumSource(value = CgroupBackend.class, names = {"KERNEL", "EMULATED"})
    void aServiceKilledMidCallLeavesNothingAfterItsRestart(CgroupBackend backend) throws Exception {
        Path memoryRoot;
        if (backend == CgroupBackend.EMULATED) {
            memoryRoot = home.resolve("agentcgroup/cgroupfs");
        } else {
            if (!(CgroupLayout.probe() instanceof CgroupLayout.V1Memory v1) || !Files.isWritable(v1.memoryRoot())) {
                if (!(CgroupLayout.probe() instanceof CgroupLayout.V2 v2) || !Files.isWritable(v2.root())) {
                    abort("needs a writable cgroup memory hierarchy (root): " + CgroupLayout.probe());
                }
            }
            memoryRoot = CgroupLayout.probe() instanceof CgroupLayout.V1Memory m ? m.memoryRoot() : ((CgroupLayout.V2) CgroupLayout.probe()).root();
        }
        Path callGroup = memoryRoot.resolve(AgentCgroupSystem.rootName(home.resolve("agentcgroup"))).resolve("session-s1/call-c1");

        Process first = start(backend);
        List<Long> pids;
        try (ServerProcess.Connection c = ServerProcess.connect(first)) {
            c.stub().createSession(CreateSessionRequest.newBuilder().setSessionId("s1").setPriority(Priority.PRIORITY_LOW)
                    .addAllowedCommands("sh").build());
            CountDownLatch started = new CountDownLatch(1);
            AgentCgroupServiceGrpc.newStub(c.channel()).runToolCall(RunToolCallRequest.newBuilder().setSessionId("s1").setCallId("c1")
                    .addAllArgv(List.of("sh", "-c", "echo started; sleep 120")).setTimeoutSeconds(600).build(), new StreamObserver<>() {
                        @Override
                        public void onNext(RunToolCallEvent e) {
                            if (e.getOutput().toStringUtf8().contains("started")) {
                                started.countDown();
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                        }

                        @Override
                        public void onCompleted() {
                        }
                    });
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            // the fake kernel keeps its members (with start times) beside the join inbox
            Path members = callGroup.resolve(backend == CgroupBackend.EMULATED ? "keelson.members" : "cgroup.procs");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(members) && !Files.readString(members).isBlank());
            pids = Files.readAllLines(members).stream().map(line -> Long.parseLong(line.split(" ")[0])).toList();
            assertThat(pids).isNotEmpty();
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, the call lives on
        }
        assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).hasValue(true));

        Process second = start(backend);
        try (ServerProcess.Connection c = ServerProcess.connect(second)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (pids.stream().anyMatch(pid -> ProcessHandle.of(pid).isPresent()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty());
            assertThat(Files.exists(callGroup)).isFalse();
            assertThat(Files.exists(home.resolve("agentcgroup/sessions/s1"))).isFalse();
        } finally {
            second.destroy(); // graceful: removes its tree
            second.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Process start(CgroupBackend backend) throws Exception {
        return ServerProcess.start(home, backend, java.util.Map.of());
    }
}
