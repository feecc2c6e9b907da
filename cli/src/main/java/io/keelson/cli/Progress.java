package io.keelson.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * What a long call shows while it runs - on a terminal only: the call's name and the seconds it has taken, redrawn
 * in place, erased when it ends. The gateway's calls report no fraction done, so this says only that it is running.
 */
final class Progress implements AutoCloseable {

    private static final String SPIN = "|/-\\";
    private final Thread thread;
    private final PrintWriter err;

    private Progress(Thread thread, PrintWriter err) {
        this.thread = thread;
        this.err = err;
    }

    static Progress show(String what, PrintWriter err) {
        if (System.console() == null) {
            return new Progress(null, err);
        }
        long started = System.nanoTime();
        Thread t = new Thread(() -> {
            for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                err.printf(Locale.ROOT, "\r%c %s %.1f s ", SPIN.charAt(i % SPIN.length()), what, (System.nanoTime() - started) / 1e9);
                err.flush();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "keelson-progress");
        t.setDaemon(true);
        t.start();
        return new Progress(t, err);
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            err.print("\r\033[K");
            err.flush();
        }
    }
}
