package io.keelson.sysom.agent;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * CPU stacks of a JVM with Java Flight Recorder: {@code jcmd <pid> JFR.start} records the target's execution
 * samples for a while (JFR's own sampler, ~1–2 % overhead at the "profile" settings), and the recording is folded
 * into {@code frame;frame;frame → samples}, root first, the format the rest of sysom reads.
 */
public final class JfrStacks {

    private JfrStacks() {
    }

    /** Records {@code duration} of JVM {@code pid} and returns its folded execution samples. */
    public static Map<String, Long> profile(long pid, Duration duration, Path workDir) throws IOException, InterruptedException {
        Path file = workDir.resolve("sysom-" + pid + "-" + System.nanoTime() + ".jfr");
        Process jcmd = new ProcessBuilder(jcmd().toString(), Long.toString(pid), "JFR.start", "name=sysom-agent", "settings=profile",
                "duration=" + Math.max(1, duration.toSeconds()) + "s", "filename=" + file).redirectErrorStream(true).start();
        String said = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(30, TimeUnit.SECONDS) || jcmd.exitValue() != 0 || said.contains("Exception")) {
            throw new IOException("jcmd could not start a recording in JVM " + pid + ": " + said.strip());
        }
        long deadline = System.nanoTime() + duration.toNanos() + TimeUnit.SECONDS.toNanos(20);
        Thread.sleep(duration.toMillis());
        long lastSize = -1;
        while (System.nanoTime() < deadline) { // the recording is written when it stops; wait until the file stops growing
            long size = Files.exists(file) ? Files.size(file) : -1;
            if (size > 0 && size == lastSize) {
                try {
                    return fold(file);
                } catch (IOException stillWriting) {
                    // the chunk is not finished: read again on the next round
                } finally {
                    Files.deleteIfExists(file);
                }
            }
            lastSize = size;
            Thread.sleep(200);
        }
        throw new IOException("JVM " + pid + " wrote no recording to " + file + " within " + duration.plusSeconds(20).toSeconds() + " s");
    }

    /** The execution samples of a recording, folded. */
    public static Map<String, Long> fold(Path recording) throws IOException {
        Map<String, Long> folded = new TreeMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            StringBuilder stack = new StringBuilder();
            for (int i = frames.size() - 1; i >= 0; i--) {
                RecordedFrame f = frames.get(i);
                if (stack.length() > 0) {
                    stack.append(';');
                }
                stack.append(f.getMethod().getType().getName()).append('.').append(f.getMethod().getName());
            }
            folded.merge(stack.toString(), 1L, Long::sum);
        }
        return folded;
    }

    /** jcmd of the JDK running this agent, else the one on the PATH. */
    static Path jcmd() {
        return ProcessHandle.current().info().command().map(Path::of).map(java -> java.resolveSibling("jcmd"))
                .filter(Files::isExecutable).orElse(Path.of("jcmd"));
    }
}
