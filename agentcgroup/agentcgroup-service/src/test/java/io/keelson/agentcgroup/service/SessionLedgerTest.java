package io.keelson.agentcgroup.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keelson.agentcgroup.core.sandbox.PostgresSessionLedger;
import io.keelson.agentcgroup.v1.ClosedSession;
import io.keelson.agentcgroup.v1.CloseSessionRequest;
import io.keelson.agentcgroup.v1.CreateSessionRequest;
import io.keelson.agentcgroup.v1.ListSessionsRequest;
import io.keelson.agentcgroup.v1.Priority;
import io.keelson.agentcgroup.v1.RunToolCallRequest;
import io.keelson.common.events.InProcessEventBus;
import io.keelson.common.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Cluster mode's session ledger on the test PostgreSQL: sessions and their finished calls outlive the service that ran
 * them, a service that restarts closes what it left open saying why, and a bad limit is refused naming the field.
 */
class SessionLedgerTest {

    @TempDir
    Path first;
    @TempDir
    Path second;

    @Test
    void sessionsAndTheirCallsOutliveTheServiceAndARestartClosesWhatItLeftOpen() throws Exception {
        PGSimpleDataSource ds = TestPostgres.dataSource("agentcgroup");
        String schema = ds.getCurrentSchema();
        try (InProcessService a = InProcessService.serve(AgentCgroupSystem.start(first, AgentCgroupSystem.DEFAULT_ALLOWED_COMMANDS,
                CgroupBackend.EMULATED, new InProcessEventBus(), PostgresSessionLedger.open(ds, schema), "node-1"))) {
            var stub = a.stub();
            stub.createSession(CreateSessionRequest.newBuilder().setSessionId("done").setPriority(Priority.PRIORITY_HIGH).addAllowedCommands("sh").build());
            stub.runToolCall(RunToolCallRequest.newBuilder().setSessionId("done").setCallId("c1").addArgv("sh").addArgv("-c").addArgv("echo hi")
                    .setTimeoutSeconds(30).build()).forEachRemaining(e -> { });
            stub.closeSession(CloseSessionRequest.newBuilder().setSessionId("done").build());
            stub.createSession(CreateSessionRequest.newBuilder().setSessionId("left-open").setPriority(Priority.PRIORITY_LOW).build());
            assertThat(stub.listSessions(ListSessionsRequest.newBuilder().setClosedLimit(10).build()).getClosedList())
                    .extracting(ClosedSession::getSessionId).containsExactly("done");

            // node-1's service comes back (a), its predecessor's open session was lost with it
            try (InProcessService b = InProcessService.serve(AgentCgroupSystem.start(second, AgentCgroupSystem.DEFAULT_ALLOWED_COMMANDS,
                    CgroupBackend.EMULATED, new InProcessEventBus(), PostgresSessionLedger.open(ds, schema), "node-1"))) {
                List<ClosedSession> closed = b.stub().listSessions(ListSessionsRequest.newBuilder().setClosedLimit(10).build()).getClosedList();
                assertThat(closed).extracting(ClosedSession::getSessionId).containsExactly("left-open", "done");
                assertThat(closed.get(0).getReason()).contains("restarted");
                assertThat(closed.get(0).getPriority()).isEqualTo(Priority.PRIORITY_LOW);
                assertThat(closed.get(1).getReason()).isEqualTo("closed");
                assertThat(closed.get(1).getCallsFinished()).isEqualTo(1);
                assertThat(closed.get(1).getNode()).isEqualTo("node-1");
                assertThat(closed.get(1).getClosedAt().getSeconds()).isGreaterThanOrEqualTo(closed.get(1).getOpenedAt().getSeconds());
                assertThat(b.stub().listSessions(ListSessionsRequest.getDefaultInstance()).getClosedList()).as("none unless asked").isEmpty();
                assertThatThrownBy(() -> b.stub().listSessions(ListSessionsRequest.newBuilder().setClosedLimit(-1).build()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                            assertThat(e.getStatus().getDescription()).contains("closed_limit");
                        });
            }
        }
    }
}
