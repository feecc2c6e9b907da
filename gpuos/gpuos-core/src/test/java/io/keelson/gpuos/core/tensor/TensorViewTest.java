package io.keelson.gpuos.core.tensor;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TensorViewTest {

    private static final long SEED = 20261125L;

    @Test
    void offsetsMatchANaiveOdometerForRandomShapesAndStrides() {
        Random random = new Random(SEED);
        for (int trial = 0; trial < 2_000; trial++) {
            int dims = random.nextInt(TensorView.MAX_DIMS + 1);
            long[] shape = new long[dims];
            long[] strides = new long[dims];
            long last = 0;
            for (int d = 0; d < dims; d++) {
                shape[d] = 1 + random.nextInt(4);
                strides[d] = random.nextInt(6); // 0 = broadcast
                last += (shape[d] - 1) * strides[d];
            }
            long offset = random.nextInt(10);
            TensorView view = new TensorView(DType.F32, shape, strides, offset, offset + last + 1);

            long[] index = new long[dims];
            for (long linear = 0; linear < view.numel(); linear++) {
                long expected = offset;
                for (int d = 0; d < dims; d++) {
                    expected += index[d] * strides[d];
                }
                assertThat(view.offsetOf(linear)).as("%s element %d", view, linear).isEqualTo(expected);
                for (int d = dims - 1; d >= 0 && ++index[d] == shape[d]; d--) {
                    index[d] = 0; // odometer carry
                }
            }
        }
    }

    @Test
    void aTransposedViewReadsTheTranspose() {
        TensorView rows = TensorView.contiguous(DType.F32, 2, 3);
        TensorView transposed = new TensorView(DType.F32, new long[]{3, 2}, new long[]{1, 3}, 0, 6);

        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 2; j++) {
                assertThat(transposed.offsetOf(i * 2L + j)).isEqualTo(rows.offsetOf(j * 3L + i));
            }
        }
    }

    @Test
    void broadcastingFollowsNumpyRules() {
        TensorView column = TensorView.contiguous(DType.F16, 3, 1);

        TensorView wide = column.broadcastTo(2, 3, 4);

        assertThat(wide.strides()).containsExactly(0, 1, 0);
        assertThat(wide.offsetOf(0)).isEqualTo(0);
        assertThat(wide.offsetOf(4)).isEqualTo(1);   // [0,1,0]
        assertThat(wide.offsetOf(12 + 11)).isEqualTo(2); // [1,2,3]
        assertThat(TensorView.broadcastShape(new long[]{3, 1}, new long[]{2, 1, 4})).containsExactly(2, 3, 4);
        assertThatThrownBy(() -> TensorView.broadcastShape(new long[]{3, 2}, new long[]{3, 4}))
                .hasMessageContaining("dimension 1 is 2").hasMessageContaining("4");
        assertThatThrownBy(() -> column.broadcastTo(4, 1)).hasMessageContaining("shape[0]").hasMessageContaining("cannot broadcast to 4");
        assertThat(column.broadcastTo(3, 5).strides()).containsExactly(1, 0);
    }

    @Test
    void badViewsAreRefusedNamingTheField() {
        assertThat(field(() -> new TensorView(DType.F32, new long[9], new long[9], 0, 1))).isEqualTo("shape");
        assertThat(field(() -> new TensorView(DType.F32, new long[]{2, 2}, new long[]{1}, 0, 4))).isEqualTo("strides");
        assertThat(field(() -> new TensorView(DType.F32, new long[]{-1}, new long[]{1}, 0, 4))).isEqualTo("shape[0]");
        assertThat(field(() -> new TensorView(DType.F32, new long[]{2}, new long[]{-1}, 0, 4))).isEqualTo("strides[0]");
        assertThat(field(() -> new TensorView(DType.F32, new long[]{2}, new long[]{1}, -1, 4))).isEqualTo("offset");
        assertThatThrownBy(() -> new TensorView(DType.F32, new long[]{2, 3}, new long[]{3, 1}, 1, 6))
                .hasMessageContaining("reaches element 6 of a buffer of 6");
        assertThat(new TensorView(DType.F32, new long[]{0, 3}, new long[]{3, 1}, 0, 0).numel()).isZero();
    }

    @Test
    void aViewCannotBeChangedThroughItsArrays() {
        long[] shape = {2, 2};
        TensorView view = new TensorView(DType.I32, shape, new long[]{2, 1}, 0, 4);
        shape[0] = 100;
        view.shape()[1] = 100;

        assertThat(view.shape()).containsExactly(2, 2);
    }

    private static String field(Runnable make) {
        try {
            make.run();
        } catch (TensorView.InvalidViewException e) {
            return e.field();
        }
        throw new AssertionError("accepted a bad view");
    }
}
