package io.keelson.gpuos.core.frontend;

import io.keelson.gpuos.core.cpu.CpuDevice;
import io.keelson.gpuos.core.tensor.DType;
import io.keelson.gpuos.core.tensor.HalfFloats;
import io.keelson.gpuos.core.testing.ChainWorkload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SessionTest {

    private final CpuDevice device = new CpuDevice(new CpuDevice.Config(2, 256, 64L << 20, 512L << 20, Duration.ofSeconds(5)));
    private final GpuOs gpuos = GpuOs.on(device);
    private final Random random = new Random(3);

    @AfterEach
    void close() {
        device.close();
    }

    @Test
    void aSmallMlpRunsAsOneTaskOfFourFusedLaunches() {
        int batch = 4, in = 16, hidden = 32, out = 8;
        float[] x = values(batch * in);
        float[] w1 = values(in * hidden);
        float[] b1 = values(hidden);
        float[] w2 = values(hidden * out);
        float[] b2 = values(out);
        try (Session s = gpuos.session()) {
            Tensor h = s.tensor(x, batch, in).matmul(s.tensor(w1, in, hidden)).add(s.tensor(b1, hidden)).relu();
            Tensor y = h.matmul(s.tensor(w2, hidden, out)).add(s.tensor(b2, out)).sigmoid();
            Session.Flushed flushed = s.flush();
            assertThat(flushed.tasks()).isEqualTo(1);
            assertThat(flushed.launches()).isEqualTo(4); // matmul, add+relu, matmul, add+sigmoid
            assertThat(flushed.fusedAway()).isEqualTo(2);
            float[] expectedH = relu(addRow(matmul(x, w1, batch, in, hidden), b1));
            float[] expected = sigmoid(addRow(matmul(expectedH, w2, batch, hidden, out), b2));
            assertThat(y.read()).containsExactly(expected);
            assertThat(h.read()).containsExactly(expectedH);
        }
    }

    @Test
    void attentionScoresWithSoftmaxMatchAPlainImplementation() {
        int n = 8, d = 16;
        float[] q = values(n * d);
        float[] k = values(n * d);
        try (Session s = gpuos.session()) {
            Tensor scores = s.tensor(q, n, d).matmul(s.tensor(k, n, d).transpose(0, 1)).mul((float) (1 / Math.sqrt(d)));
            Tensor e = scores.sub(scores.max(-1, true)).exp();
            Tensor p = e.div(e.sum(-1, true));
            Session.Flushed flushed = s.flush();
            assertThat(flushed.tasks()).isEqualTo(1);
            float[] probabilities = p.read();
            for (int i = 0; i < n; i++) {
                double[] row = new double[n];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    for (int c = 0; c < d; c++) {
                        row[j] += q[i * d + c] * k[j * d + c];
                    }
                    row[j] /= Math.sqrt(d);
                    max = Math.max(max, row[j]);
                }
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    row[j] = Math.exp(row[j] - max);
                    sum += row[j];
                }
                for (int j = 0; j < n; j++) {
                    assertThat((double) probabilities[i * n + j]).isCloseTo(row[j] / sum, within(1e-5));
                }
            }
        }
    }

    @Test
    void aLongDependentChainIsFusedIntoFewOperatorsAndIsBitExact() {
        int n = 2048;
        ChainWorkload w = ChainWorkload.create(random, n, 1000);
        float[] x = w.x();
        float[] b = w.b();
        float[] c = w.c();
        float[] d = w.d();
        float[] expected = w.expected();
        try (Session s = gpuos.session()) {
            Tensor tb = s.tensor(b, n);
            Tensor tc = s.tensor(c, n);
            Tensor td = s.tensor(d, n);
            Tensor t = s.tensor(x, n);
            for (int step = 0; step < 1000; step++) {
                t = t.add(tb).mul(tc).relu().sigmoid().div(td);
            }
            Session.Flushed flushed = s.flush();
            assertThat(flushed.recorded()).isEqualTo(5000);
            assertThat(flushed.tasks()).isEqualTo(1);
            assertThat(flushed.launches()).isLessThan(5000 / 10);
            assertThat(gpuos.operatorsCompiled()).isLessThanOrEqualTo(8); // the repeating pattern compiles a handful of bodies, not one per group
            assertThat(t.read()).containsExactly(expected);
        }
    }

    @Test
    void halfPrecisionBroadcastAndTransposedInputs() {
        int rows = 5, cols = 7;
        float[] a = values(rows * cols);
        float[] bias = values(cols);
        float[] at = values(cols * rows); // stored transposed: at[j][i]
        try (Session s = gpuos.session()) {
            Tensor ta = s.tensor(DType.F16, a, rows, cols);
            Tensor tb = s.tensor(DType.F16, bias, cols);
            Tensor tt = s.tensor(DType.F16, at, cols, rows).transpose(0, 1);
            Tensor y = ta.add(tb).mul(tt).cast(DType.F32);
            float[] result = y.read();
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    float ai = h(a[i * cols + j]);
                    float bj = h(bias[j]);
                    float tij = h(at[j * rows + i]);
                    // fused, yet each f16 intermediate is rounded as if it had been stored
                    assertThat(result[i * cols + j]).isEqualTo(h(h(ai + bj) * tij));
                }
            }
        }
    }

    @Test
    void mismatchedInputsAreRefusedWhenRecorded() {
        try (Session s = gpuos.session()) {
            Tensor a = s.tensor(new float[6], 2, 3);
            assertThatThrownBy(() -> a.add(s.tensor(new float[4], 4))).hasMessageContaining("dimension 1 is 3");
            assertThatThrownBy(() -> a.add(s.tensor(DType.F16, new float[3], 3))).hasMessageContaining("other: dtype F16");
            assertThatThrownBy(() -> a.matmul(a)).hasMessageContaining("matmul needs [m,k] @ [k,n]");
            assertThatThrownBy(() -> a.sum(2, false)).hasMessageContaining("axis: 2");
            assertThatThrownBy(() -> s.tensor(new float[5], 2, 3)).hasMessageContaining("values: 5 values");
        }
    }

    private static float h(float v) {
        return HalfFloats.f16ToF32(HalfFloats.f32ToF16(v));
    }

    private float[] values(int n) {
        return ChainWorkload.gaussian(random, n);
    }

    private static float[] matmul(float[] a, float[] b, int m, int k, int n) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0;
                for (int x = 0; x < k; x++) {
                    sum += a[i * k + x] * b[x * n + j];
                }
                c[i * n + j] = sum;
            }
        }
        return c;
    }

    private static float[] addRow(float[] m, float[] row) {
        float[] r = m.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] += row[i % row.length];
        }
        return r;
    }

    private static float[] relu(float[] v) {
        float[] r = v.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] = r[i] > 0 ? r[i] : 0f;
        }
        return r;
    }

    private static float[] sigmoid(float[] v) {
        float[] r = v.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) (1.0 / (1.0 + Math.exp(-r[i])));
        }
        return r;
    }
}
