package io.keelson.agentcgroup.core.testing;

import io.keelson.agentcgroup.core.cgroup.Cgroup;
import io.keelson.agentcgroup.core.cgroup.CgroupException;
import io.keelson.agentcgroup.core.cgroup.CgroupLayout;
import io.keelson.agentcgroup.core.cgroup.Cgroups;

import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assumptions.abort;

/** A fresh cgroup tree for a real-kernel test, or the test aborted with the reason this host cannot give one. */
public final class TestCgroups {

    private TestCgroups() {
    }

    /** @param needFreeze whether the test needs {@code cgroup.freeze} */
    public static Cgroups writableOrAbort(String prefix, boolean needFreeze) {
        CgroupLayout layout = CgroupLayout.probe();
        Optional<Cgroups> found = Cgroups.of(layout, prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
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
}
