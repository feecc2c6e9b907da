package io.keelson.controlplane.audit;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes audit records off the call path with group commit: one writer thread drains whatever
 * has queued up and stores it in one transaction, so the cost of a durable write is shared by
 * every call that arrived meanwhile. The queue is bounded; when it is full, callers wait
 * (back-pressure) rather than a record being dropped.
 */
public final class AuditTrail implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AuditTrail.class);
    private static final int MAX_BATCH = 2048;
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final AuditStore store;
    private final BlockingQueue<AuditRecord> queue;
    private final Thread writer;
    private final AtomicLong enqueued = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();
    private volatile boolean closing;

    public AuditTrail(AuditStore store, int capacity) {
        this.store = store;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = new Thread(this::drain, "keelson-audit-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    public void record(AuditRecord record) {
        try {
            queue.put(record);
            enqueued.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing an audit record", e);
        }
    }

    /** Waits until everything queued so far is stored; false on timeout. */
    public boolean awaitWritten(Duration timeout) {
        long target = enqueued.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (written.get() < target) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    public long pending() {
        return enqueued.get() - written.get();
    }

    public long failedBatches() {
        return failedBatches.get();
    }

    private void drain() {
        List<AuditRecord> batch = new ArrayList<>(MAX_BATCH);
        while (!closing || !queue.isEmpty()) {
            try {
                AuditRecord first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                // Linger briefly so a busy gateway commits hundreds of records per transaction
                // instead of a handful: the commit, not the row, is the expensive part.
                long lingerUntil = System.nanoTime() + LINGER_NANOS;
                while (batch.size() < MAX_BATCH && System.nanoTime() < lingerUntil) {
                    if (queue.drainTo(batch, MAX_BATCH - batch.size()) == 0) {
                        Thread.sleep(1);
                    }
                }
                storeWithRetry(batch);
                written.addAndGet(batch.size());
                batch.clear();
            } catch (InterruptedException e) {
                if (!closing) {
                    LOG.warn("audit writer interrupted; continuing until closed");
                }
            }
        }
    }

    /** A failed write is retried, not dropped: the records stay in hand until the store takes them. */
    private void storeWithRetry(List<AuditRecord> batch) throws InterruptedException {
        long backoffMillis = 10;
        while (true) {
            try {
                store.appendAll(batch);
                return;
            } catch (RuntimeException e) {
                failedBatches.incrementAndGet();
                LOG.errorf(e, "audit store refused a batch of %d records; retrying in %d ms", batch.size(), backoffMillis);
                if (closing) {
                    LOG.errorf("closing with %d audit records unwritten", batch.size());
                    return;
                }
                Thread.sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, 5_000);
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
