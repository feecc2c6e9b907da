package io.keelson.sysom.core.trace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTA's idle-time breakdown of one GPU stream: each gap between consecutive kernels (copies and memsets included)
 * is host wait when the CPU launched the next one only after the previous finished (the GPU starved for work),
 * kernel wait when it was launched before and the gap is launch latency up to {@code kernelWaitMicros}, and other
 * otherwise (synchronisation, dependencies on other streams). The launch is the runtime call with the kernel's
 * correlation id; a kernel without one makes its gap "other".
 */
public record StreamIdle(String device, String stream, int gaps, double hostWaitMicros, double kernelWaitMicros, double otherMicros) {

    /** HTA's default bound for a gap to count as launch latency. */
    public static final double DEFAULT_KERNEL_WAIT_MICROS = 50;

    public double idleMicros() {
        return hostWaitMicros + kernelWaitMicros + otherMicros;
    }

    /** One breakdown per (device, stream) of a trace's events. */
    public static Map<String, StreamIdle> of(List<TraceEvent> events, double kernelWaitMicros) {
        Map<String, TraceEvent> launches = new HashMap<>();
        Map<String, List<TraceEvent>> streams = new TreeMap<>();
        for (TraceEvent e : events) {
            if (e.phase() != 'X') {
                continue;
            }
            if (e.category().equals("cuda_runtime")) {
                e.arg("correlation").ifPresent(c -> launches.put(c, e));
            } else if (e.onGpu()) {
                streams.computeIfAbsent(e.pid() + "/" + e.tid(), k -> new ArrayList<>()).add(e);
            }
        }
        Map<String, StreamIdle> out = new TreeMap<>();
        streams.forEach((key, work) -> {
            work.sort(Comparator.comparingDouble(TraceEvent::tsMicros));
            double host = 0;
            double kernel = 0;
            double other = 0;
            int gaps = 0;
            double busyUntil = work.get(0).endMicros();
            for (int i = 1; i < work.size(); i++) {
                TraceEvent next = work.get(i);
                double gap = next.tsMicros() - busyUntil;
                if (gap > 0) {
                    gaps++;
                    TraceEvent launch = next.arg("correlation").map(launches::get).orElse(null);
                    if (launch == null) {
                        other += gap;
                    } else if (launch.tsMicros() >= busyUntil) {
                        host += gap;
                    } else if (gap <= kernelWaitMicros) {
                        kernel += gap;
                    } else {
                        other += gap;
                    }
                }
                busyUntil = Math.max(busyUntil, next.endMicros());
            }
            String[] ds = key.split("/", 2);
            out.put(key, new StreamIdle(ds[0], ds[1], gaps, host, kernel, other));
        });
        return out;
    }
}
