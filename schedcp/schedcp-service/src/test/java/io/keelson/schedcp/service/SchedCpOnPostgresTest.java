package io.keelson.schedcp.service;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.keelson.common.testing.TestPostgres;
import io.keelson.schedcp.core.testing.StandInSchedulers;
import io.keelson.schedcp.v1.CreateAndVerifySchedulerRequest;
import io.keelson.schedcp.v1.CreateWorkloadRequest;
import io.keelson.schedcp.v1.ListSchedulersRequest;
import io.keelson.schedcp.v1.ListWorkloadsRequest;
import io.keelson.schedcp.v1.SchedCpServiceGrpc;
import io.keelson.schedcp.v1.Workload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Cluster mode: two nodes' schedcp on one PostgreSQL database share workloads and created schedulers. */
class SchedCpOnPostgresTest {

    @TempDir
    Path dir;
    private final Deque<AutoCloseable> open = new ArrayDeque<>(); // closed last-opened first

    @AfterEach
    void close() throws Exception {
        while (!open.isEmpty()) {
            open.pop().close();
        }
    }

    private SchedCpServiceGrpc.SchedCpServiceBlockingStub node(String name, DataSource db, String schema) throws Exception {
        Path bin = Files.createDirectories(dir.resolve(name).resolve("bin"));
        StandInSchedulers.install(bin, "scx_simple");
        SchedCpSystem system = SchedCpSystem.startOnPostgres(dir.resolve(name).resolve("state"), bin, db, schema);
        open.push(system);
        String channelName = InProcessServerBuilder.generateName();
        Server server = InProcessServerBuilder.forName(channelName).directExecutor().addService(system.service()).build().start();
        open.push(server::shutdownNow);
        ManagedChannel channel = InProcessChannelBuilder.forName(channelName).directExecutor().build();
        open.push(channel::shutdownNow);
        return SchedCpServiceGrpc.newBlockingStub(channel);
    }

    @Test
    void twoNodesShareWorkloadsAndCreatedSchedulersAndALostDatabaseIsUnavailableNotLost() throws Exception {
        PGSimpleDataSource ds = TestPostgres.dataSource("schedcp");
        AtomicBoolean reachable = new AtomicBoolean(true);
        DataSource flaky = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
            if (method.getName().equals("getConnection") && !reachable.get()) {
                throw new SQLException("Connection to 127.0.0.1 refused", "08001");
            }
            try {
                return method.invoke(ds, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
        var a = node("a", ds, ds.getCurrentSchema());
        var b = node("b", flaky, ds.getCurrentSchema());

        String workload = a.createWorkload(CreateWorkloadRequest.newBuilder().setDescription("kernel build, 2 CPUs").build()).getWorkloadId();
        b.createAndVerifyScheduler(CreateAndVerifySchedulerRequest.newBuilder().setName("scx_agent_fifo").setDescription("arrival order")
                .setSourceCode("policy fifo\norder by arrival\nslice to-completion\n").build());

        assertThat(b.listWorkloads(ListWorkloadsRequest.getDefaultInstance()).getWorkloadsList()).extracting(Workload::getWorkloadId).containsExactly(workload);
        assertThat(a.listSchedulers(ListSchedulersRequest.newBuilder().setQuery("arrival").build()).getSchedulersList())
                .extracting(s -> s.getName()).contains("scx_agent_fifo");

        reachable.set(false);
        StatusRuntimeException down = catchThrowableOfType(StatusRuntimeException.class,
                () -> b.createWorkload(CreateWorkloadRequest.newBuilder().setDescription("lost?").build()));
        assertThat(down.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(down.getStatus().getDescription()).contains("schedcp database", "refused");
        reachable.set(true);
        assertThat(b.listWorkloads(ListWorkloadsRequest.getDefaultInstance()).getWorkloadsList()).extracting(Workload::getDescription)
                .containsExactly("kernel build, 2 CPUs"); // nothing half-written
    }
}
