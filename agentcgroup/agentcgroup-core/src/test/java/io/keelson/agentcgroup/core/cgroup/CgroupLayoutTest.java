package io.keelson.agentcgroup.core.cgroup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CgroupLayoutTest {

    @TempDir
    Path dir;

    @Test
    void aHybridHostUsesV1MemoryWithCgroup2ForFreezeAndKill() throws Exception {
        Path unified = Files.createDirectories(dir.resolve("unified"));
        Files.writeString(unified.resolve("cgroup.controllers"), "hugetlb\n");
        Path mountinfo = dir.resolve("mountinfo");
        Files.writeString(mountinfo, """
                31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
                32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
                35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
                41 31 0:38 / %s rw,relatime - cgroup2 cgroup2 rw
                """.formatted(unified));
        assertThat(CgroupLayout.probe(mountinfo)).isEqualTo(new CgroupLayout.V1Memory(Path.of("/sys/fs/cgroup/memory"), Optional.of(unified),
                Optional.of(Path.of("/sys/fs/cgroup/cpu"))));
        assertThat(Cgroups.of(CgroupLayout.probe(mountinfo), "k")).hasValueSatisfying(c ->
                assertThat(c.backend()).isEqualTo("cgroup v1 memory + cgroup2 freeze/kill"));
    }

    @Test
    void aCgroup2HostWithTheMemoryControllerIsV2() throws Exception {
        Files.writeString(dir.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        Path mountinfo = dir.resolve("mountinfo");
        Files.writeString(mountinfo, "25 1 0:22 / " + dir + " rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n");
        assertThat(CgroupLayout.probe(mountinfo)).isInstanceOfSatisfying(CgroupLayout.V2.class,
                v2 -> assertThat(v2.controllers()).contains("memory", "cpu"));
    }

    @Test
    void noMemoryControllerAnywhereSaysWhy() throws Exception {
        Path mountinfo = dir.resolve("mountinfo");
        Files.writeString(mountinfo, "garbage line\n22 1 0:21 / /proc rw - proc proc rw\n");
        assertThat(CgroupLayout.probe(mountinfo)).isEqualTo(new CgroupLayout.None("no cgroup2 and no v1 memory hierarchy is mounted"));
        assertThat(CgroupLayout.probe(dir.resolve("missing"))).isInstanceOfSatisfying(CgroupLayout.None.class,
                n -> assertThat(n.reason()).contains("cannot read"));
        assertThat(Cgroups.of(new CgroupLayout.None("x"), "k")).isEmpty();
    }

    @Test
    void groupPathsFromOutsideCannotEscapeTheRoot() {
        Cgroups c = Cgroups.of(new CgroupLayout.V1Memory(dir, Optional.empty()), "k").orElseThrow();
        assertThatThrownBy(() -> c.create("../etc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.create("a/../../b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.create("/abs")).isInstanceOf(IllegalArgumentException.class);
    }
}
