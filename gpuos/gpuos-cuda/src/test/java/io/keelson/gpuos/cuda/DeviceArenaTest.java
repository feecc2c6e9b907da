package io.keelson.gpuos.cuda;

import io.keelson.gpuos.core.device.DeviceException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeviceArenaTest {

    @Test
    void rangesAreAlignedDisjointAndMergeBackIntoOne() {
        DeviceArena arena = new DeviceArena(1 << 20);
        Random random = new Random(7);
        List<long[]> taken = new ArrayList<>();
        for (int round = 0; round < 2_000; round++) {
            if (!taken.isEmpty() && random.nextInt(3) == 0) {
                long[] r = taken.remove(random.nextInt(taken.size()));
                arena.give(r[0], r[1]);
                continue;
            }
            long bytes = 1 + random.nextInt(9_000);
            try {
                long offset = arena.take(bytes);
                assertThat(offset % DeviceArena.ALIGNMENT).isZero();
                for (long[] other : taken) {
                    boolean disjoint = offset + bytes <= other[0] || other[0] + other[1] <= offset;
                    assertThat(disjoint).as("[%d,+%d) overlaps [%d,+%d)", offset, bytes, other[0], other[1]).isTrue();
                }
                taken.add(new long[]{offset, bytes});
            } catch (DeviceException full) {
                assertThat(full.kind()).isEqualTo(DeviceException.Kind.LIMIT);
            }
        }
        taken.forEach(r -> arena.give(r[0], r[1]));
        assertThat(arena.used()).isZero();
        assertThat(arena.freeRanges()).isEqualTo(1);
        assertThat(arena.take(1 << 20)).isZero(); // whole again
    }

    @Test
    void aRequestLargerThanAnyFreeRangeIsALimitNamingTheField() {
        DeviceArena arena = new DeviceArena(4096);
        arena.take(1024);
        assertThatThrownBy(() -> arena.take(4000)).isInstanceOfSatisfying(DeviceException.class, e -> {
            assertThat(e.kind()).isEqualTo(DeviceException.Kind.LIMIT);
            assertThat(e.field()).isEqualTo("elements");
            assertThat(e.getMessage()).contains("1024 of 4096 bytes in use");
        });
    }
}
