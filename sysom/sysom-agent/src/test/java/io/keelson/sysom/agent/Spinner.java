package io.keelson.sysom.agent;

/** A CPU-bound JVM for the agent's tests and its overhead benchmark: spins for the seconds given, prints work done. */
public final class Spinner {

    private Spinner() {
    }

    public static void main(String[] args) throws Exception {
        long until = System.nanoTime() + (long) (Double.parseDouble(args[0]) * 1e9);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        long[] done = new long[threads];
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = new Thread(() -> done[id] = spin(until));
            workers[t].start();
        }
        long total = 0;
        for (int t = 0; t < threads; t++) {
            workers[t].join();
            total += done[t];
        }
        System.out.println("WORK " + total);
    }

    /** Hashes until {@code until}; the count of rounds is the work done. */
    static long spin(long until) {
        long rounds = 0;
        long x = 1;
        while (System.nanoTime() < until) {
            for (int i = 0; i < 10_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
                x ^= x >>> 29;
            }
            rounds++;
        }
        return rounds + (x == 42 ? 1 : 0);
    }
}
