package io.keelson.agentcgroup.core.testing;

import io.keelson.agentcgroup.core.cgroup.Cgroup;
import io.keelson.agentcgroup.core.cgroup.CgroupException;
import io.keelson.agentcgroup.core.cgroup.CgroupLayout;
import io.keelson.agentcgroup.core.cgroup.Cgroups;
import io.keelson.agentcgroup.core.cgroup.FakeCgroupFs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assumptions.abort;

/** The backends a cgroup test runs on: this host's kernel (where the probe finds it writable) and the emulated one. */
public enum TestCgroups {

    /** Real cgroups; the test is aborted, saying why, where this host cannot give a writable tree. */
    KERNEL {
        @Override
        public Cgroups open(String prefix, boolean needFreeze, Path scratch) {
            CgroupLayout layout = CgroupLayout.probe();
            Optional<Cgroups> found = Cgroups.of(layout, unique(prefix));
            if (found.isEmpty()) {
                abort("no cgroup memory controller on this host: " + ((CgroupLayout.None) layout).reason());
            }
            Cgroups cgroups = found.get();
            try {
                if (needFreeze && !cgroups.create("probe").canFreeze()) {
                    abort("cgroup.freeze is not available here");
                }
                cgroups.create("probe");
            } catch (CgroupException e) {
                abort("the cgroup tree is not writable here (" + e.getMessage() + "); run as root");
            } finally {
                try {
                    cgroups.leftovers().forEach(Cgroup::remove);
                } catch (CgroupException ignored) {
                    // nothing was created
                }
            }
            return cgroups;
        }
    },

    /** A fake cgroupfs in {@code scratch} with its simulated kernel ticking every 10 ms: runs anywhere, as any user. */
    EMULATED {
        @Override
        public Cgroups open(String prefix, boolean needFreeze, Path scratch) {
            return Cgroups.emulated(FakeCgroupFs.open(scratch.resolve("cgroupfs"), Duration.ofMillis(10)), unique(prefix));
        }
    };

    /** @param needFreeze whether the test needs {@code cgroup.freeze} */
    public abstract Cgroups open(String prefix, boolean needFreeze, Path scratch);

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
