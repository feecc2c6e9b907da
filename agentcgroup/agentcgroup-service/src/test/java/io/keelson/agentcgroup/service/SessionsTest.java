package io.keelson.agentcgroup.service;

import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.keelson.agentcgroup.v1.AgentCgroupServiceGrpc;
import io.keelson.agentcgroup.v1.CloseSessionRequest;
import io.keelson.agentcgroup.v1.CreateSessionRequest;
import io.keelson.agentcgroup.v1.Priority;
import io.keelson.agentcgroup.v1.RunToolCallEvent;
import io.keelson.agentcgroup.v1.RunToolCallRequest;
import io.keelson.agentcgroup.v1.ToolCallEnd;
import io.keelson.common.v1.Backend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * Sessions and tool calls through the service, on this host's real cgroups (root in CI, v1 memory here).
 * Without a usable memory controller the service must refuse sessions with FAILED_PRECONDITION, saying why;
 * the test checks that and stops there.
 */
class SessionsTest {

    @TempDir
    Path home;
    private InProcessService service;
    private AgentCgroupServiceGrpc.AgentCgroupServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        service = InProcessService.start(home);
        stub = service.stub();
    }

    @AfterEach
    void stop() {
        service.close(); // closes the session too: a graceful stop leaves no group behind
    }

    private record Call(String output, ToolCallEnd end, Backend backend) {
    }

    private Call run(String callId, long memoryLimit, String... argv) {
        Iterator<RunToolCallEvent> events = stub.runToolCall(RunToolCallRequest.newBuilder().setSessionId("s1").setCallId(callId)
                .addAllArgv(List.of(argv)).setMemoryLimitBytes(memoryLimit).setTimeoutSeconds(60).build());
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        ToolCallEnd end = null;
        Backend backend = Backend.BACKEND_UNSPECIFIED;
        while (events.hasNext()) {
            RunToolCallEvent e = events.next();
            backend = e.getBackend();
            if (e.hasEnd()) {
                end = e.getEnd();
            } else {
                output.writeBytes(e.getOutput().toByteArray());
            }
        }
        return new Call(output.toString(StandardCharsets.UTF_8), end, backend);
    }

    @Test
    void toolCallsRunInTheirOwnGroupsAndEveryBadRequestIsNamed() {
        CreateSessionRequest create = CreateSessionRequest.newBuilder().setSessionId("s1").setPriority(Priority.PRIORITY_HIGH)
                .addAllAllowedCommands(List.of("sh", "echo")).build();
        StatusRuntimeException refused = null;
        try {
            stub.createSession(create);
        } catch (StatusRuntimeException e) {
            refused = e;
        }
        if (refused != null) {
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(refused.getStatus().getDescription()).contains("sessions need cgroups");
            abort("no usable cgroup memory controller here: " + refused.getStatus().getDescription());
        }
        Call ok = run("c1", 0, "sh", "-c", "echo hello; cat /proc/self/cgroup | grep -c call-c1; exit 4");
        assertThat(ok.output()).matches("hello\n[12]\n"); // in the call's group in one or both hierarchies
        assertThat(ok.end().getExitCode()).isEqualTo(4);
        assertThat(ok.end().getVerdict()).isEqualTo("completed");
        assertThat(ok.backend()).isIn(Backend.BACKEND_CGROUP_V1, Backend.BACKEND_CGROUP_V2);

        Call oom = run("c2", 32L << 20, "sh", "-c", "a=$(head -c 100000000 /dev/zero | tr '\\000' x); echo ${#a}");
        assertThat(oom.end().getVerdict()).isEqualTo("out_of_memory");
        assertThat(oom.end().getExplanation()).contains("out of memory", "32 MiB");

        violation(() -> run("c3", 0, "rm", "-rf", "/"), "argv[0]", "'rm' is not allowed in this session");
        violation(() -> run("c3", 0, "/bin/sh", "-c", "true"), "argv[0]", "not a bare program name");
        violation(() -> run("c3", 1024, "sh", "-c", "true"), "memory_limit_bytes", "at least 16 MiB");
        violation(() -> run("BAD id", 0, "sh"), "call_id", "1-48 of a-z");
        violation(() -> stub.createSession(create.toBuilder().setSessionId("s2").addAllowedCommands("rm").build()), "allowed_commands",
                "'rm' is not allowed on this host");
        assertThatThrownBy(() -> stub.createSession(create)).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));
        stub.closeSession(CloseSessionRequest.newBuilder().setSessionId("s1").build());
        assertThatThrownBy(() -> run("c5", 0, "sh", "-c", "true")).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThat(Files.exists(home.resolve("sessions/s1"))).isFalse();
    }

    private static void violation(Runnable call, String field, String text) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            BadRequest bad = StatusProto.fromThrowable(e).getDetailsList().stream().filter(d -> d.is(BadRequest.class)).findFirst()
                    .map(d -> {
                        try {
                            return d.unpack(BadRequest.class);
                        } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                            throw new AssertionError(x);
                        }
                    }).orElseThrow();
            assertThat(bad.getFieldViolations(0).getField()).isEqualTo(field);
            assertThat(bad.getFieldViolations(0).getDescription()).contains(text);
        });
    }
}
