package io.keelson.sysom.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Finding the node's training ranks in a fake procfs: who opted in, which process is the rank, which trace directories are allowed. */
class RankProcessesTest {

    @TempDir
    Path proc;
    @TempDir
    Path traces;
    @TempDir
    Path elsewhere;

    private void process(long pid, long parent, String... env) throws Exception {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.write(dir.resolve("environ"), (String.join("\0", env) + "\0").getBytes(StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("stat"), pid + " (pt_main (thread)) S " + parent + " 1 1 0 -1 4194560 0 0\n");
    }

    @Test
    void theTopmostProcessOfEachRankIsWatchedAndEveryRefusalSaysWhy() throws Exception {
        Files.createDirectories(traces.resolve("train-a/rank-0"));
        Files.createDirectories(traces.resolve("train-a/custom"));
        Files.createSymbolicLink(traces.resolve("train-a/escape"), elsewhere);
        Files.createDirectories(proc.resolve("self"));
        process(100, 1, "KEELSON_SYSOM_JOB=train-a", "RANK=0", "WORLD_SIZE=2", "LOCAL_RANK=0", "PATH=/usr/bin");
        process(101, 100, "KEELSON_SYSOM_JOB=train-a", "RANK=0", "WORLD_SIZE=2"); // its data-loader worker
        process(102, 1, "KEELSON_SYSOM_JOB=train-a", "RANK=1", "WORLD_SIZE=2", "KEELSON_SYSOM_TRACES=train-a/custom");
        process(103, 1, "RANK=0", "WORLD_SIZE=8"); // a job that did not opt in
        process(104, 1, "KEELSON_SYSOM_JOB=train-b", "RANK=0", "WORLD_SIZE=1", "KEELSON_SYSOM_TRACES=../../etc");
        process(105, 1, "KEELSON_SYSOM_JOB=train-b", "RANK=0", "WORLD_SIZE=1", "KEELSON_SYSOM_TRACES=train-a/escape");
        process(106, 1, "KEELSON_SYSOM_JOB=train-c", "RANK=3", "WORLD_SIZE=2");
        process(107, 1, "KEELSON_SYSOM_JOB=train-c", "RANK=0", "WORLD_SIZE=2");
        process(108, 1, "KEELSON_SYSOM_JOB=no spaces", "RANK=0", "WORLD_SIZE=2");
        process(109, 1, "KEELSON_SYSOM_JOB=train-d", "WORLD_SIZE=2");

        RankProcesses.Scan scan = new RankProcesses(proc, traces).scan();

        Path root = traces.toRealPath();
        assertThat(scan.ranks()).containsExactly(
                new RankProcesses.Rank(100, "train-a", 0, 2, root.resolve("train-a/rank-0")),
                new RankProcesses.Rank(102, "train-a", 1, 2, root.resolve("train-a/custom")));
        assertThat(scan.refused()).containsOnlyKeys(104L, 105L, 106L, 107L, 108L, 109L);
        assertThat(scan.refused().get(104L)).startsWith("KEELSON_SYSOM_TRACES:").contains("outside the traces root");
        assertThat(scan.refused().get(105L)).contains("leads to").contains(elsewhere.toRealPath().toString());
        assertThat(scan.refused().get(106L)).contains("RANK 3 is not below WORLD_SIZE 2");
        assertThat(scan.refused().get(107L)).startsWith("no trace directory").contains("train-c/rank-0");
        assertThat(scan.refused().get(108L)).startsWith("KEELSON_SYSOM_JOB:");
        assertThat(scan.refused().get(109L)).startsWith("RANK: not set");
    }
}
