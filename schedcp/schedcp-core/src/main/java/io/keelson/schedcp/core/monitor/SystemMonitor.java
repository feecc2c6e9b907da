package io.keelson.schedcp.core.monitor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * SchedCP's {@code system_monitor}: a session samples the host once a second from {@code /proc/stat} (CPU busy share),
 * {@code /proc/meminfo} (memory used) and {@code /proc/schedstat} (time slices and run time per CPU) until it is
 * stopped, then summarises: CPU average and maximum, memory average and maximum share and average used MB, time
 * slices and the average run time per slice, and how long processes waited on run queues ({@link ProcessDelays}):
 * in all per second of the session, and the most delayed processes.
 */
public final class SystemMonitor implements AutoCloseable {

    /** The most delayed processes a summary lists. */
    public static final int MOST_DELAYED = 5;

    /**
     * What a stopped session says. {@code schedstat}: whether the kernel keeps {@code /proc/schedstat} (CONFIG_SCHEDSTATS);
     * the slice figures are 0 without it. {@code processWaitMsPerSecond}: run-queue wait of every process, summed, per
     * second of the session; {@code mostDelayed}: the {@value #MOST_DELAYED} processes that waited longest.
     */
    public record Summary(double durationSecs, int sampleCount, double cpuAvg, double cpuMax, double memoryAvgPercent, double memoryMaxPercent,
                          double memoryAvgUsedMb, boolean schedstat, long totalTimeslices, double avgRunTimeNs, double processWaitMsPerSecond,
                          List<ProcessDelays.Delayed> mostDelayed) {
        public Summary {
            mostDelayed = List.copyOf(mostDelayed);
        }
    }

    record Reading(long cpuBusy, long cpuTotal, long memTotalKb, long memAvailableKb, boolean schedstat, long runNs, long timeslices) {
    }

    private final class Session {
        final Instant started;
        final ProcessDelays delaysAtStart;
        final List<Reading> readings = new ArrayList<>();
        ScheduledFuture<?> task;

        Session(Instant started, ProcessDelays delaysAtStart) {
            this.started = started;
            this.delaysAtStart = delaysAtStart;
        }
    }

    private final Path proc;
    private final Clock clock;
    private final Duration interval;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "schedcp-monitor");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Session> sessions = new LinkedHashMap<>();

    public SystemMonitor(Path proc, Clock clock, Duration interval) {
        this.proc = proc;
        this.clock = clock;
        this.interval = interval;
    }

    /** Sessions sampling at once: each holds a reading a second until stopped, so a client cannot start them without end. */
    public static final int MAX_SESSIONS = 16;

    public synchronized String start() {
        if (sessions.size() >= MAX_SESSIONS) {
            throw new IllegalStateException(MAX_SESSIONS + " monitoring sessions are running; stop one first");
        }
        String id = "mon-" + UUID.randomUUID();
        Session s = new Session(clock.instant(), ProcessDelays.snapshot(proc));
        s.readings.add(read());
        s.task = sampler.scheduleAtFixedRate(() -> {
            Reading r = read();
            synchronized (SystemMonitor.this) {
                s.readings.add(r);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        sessions.put(id, s);
        return id;
    }

    public Summary stop(String sessionId) {
        Session s;
        synchronized (this) {
            s = sessions.remove(sessionId);
            if (s == null) {
                throw new NoSuchElementException("session_id: no monitoring session '" + sessionId + "'");
            }
        }
        s.task.cancel(false);
        Reading last = read();
        List<ProcessDelays.Delayed> delays = ProcessDelays.snapshot(proc).since(s.delaysAtStart);
        List<Reading> all;
        synchronized (this) {
            s.readings.add(last);
            all = List.copyOf(s.readings);
        }
        return summarise(Duration.between(s.started, clock.instant()), all, delays);
    }

    static Summary summarise(Duration duration, List<Reading> readings, List<ProcessDelays.Delayed> delays) {
        List<Double> cpu = new ArrayList<>();
        for (int i = 1; i < readings.size(); i++) {
            long total = readings.get(i).cpuTotal() - readings.get(i - 1).cpuTotal();
            long busy = readings.get(i).cpuBusy() - readings.get(i - 1).cpuBusy();
            if (total > 0) {
                cpu.add(100.0 * busy / total);
            }
        }
        double memSum = 0;
        double memMax = 0;
        double usedMbSum = 0;
        for (Reading r : readings) {
            double used = r.memTotalKb() - r.memAvailableKb();
            double percent = r.memTotalKb() == 0 ? 0 : 100.0 * used / r.memTotalKb();
            memSum += percent;
            memMax = Math.max(memMax, percent);
            usedMbSum += used / 1024;
        }
        Reading first = readings.get(0);
        Reading last = readings.get(readings.size() - 1);
        long slices = last.timeslices() - first.timeslices();
        return new Summary(duration.toMillis() / 1000.0, readings.size(), cpu.stream().mapToDouble(Double::doubleValue).average().orElse(0),
                cpu.stream().mapToDouble(Double::doubleValue).max().orElse(0), memSum / readings.size(), memMax, usedMbSum / readings.size(),
                last.schedstat(), slices, slices == 0 ? 0 : (double) (last.runNs() - first.runNs()) / slices,
                duration.toNanos() <= 0 ? 0 : delays.stream().mapToDouble(ProcessDelays.Delayed::waitMs).sum() / (duration.toNanos() / 1e9),
                delays.subList(0, Math.min(MOST_DELAYED, delays.size())));
    }

    Reading read() {
        long busy = 0;
        long total = 0;
        long memTotal = 0;
        long memAvailable = 0;
        long run = 0;
        long slices = 0;
        Path schedstatFile = proc.resolve("schedstat");
        boolean schedstat = Files.exists(schedstatFile);
        try {
            for (String line : Files.readAllLines(proc.resolve("stat"))) {
                if (line.startsWith("cpu ")) {
                    String[] f = line.trim().split("\\s+");
                    for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                        long v = Long.parseLong(f[i]);
                        total += v;
                        busy += i == 4 || i == 5 ? 0 : v;
                    }
                }
            }
            for (String line : Files.readAllLines(proc.resolve("meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memTotal = kb(line);
                } else if (line.startsWith("MemAvailable:")) {
                    memAvailable = kb(line);
                }
            }
            if (schedstat) {
                for (String line : Files.readAllLines(schedstatFile)) {
                    if (line.startsWith("cpu")) { // cpuN + 6 yield/sched fields, then run ns, wait ns, timeslices
                        String[] f = line.trim().split("\\s+");
                        if (f.length >= 10) {
                            run += Long.parseLong(f[7]);
                            slices += Long.parseLong(f[9]);
                        }
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            // an unreadable counter reads as zero rather than ending the session
        }
        return new Reading(busy, total, memTotal, memAvailable, schedstat, run, slices);
    }

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
