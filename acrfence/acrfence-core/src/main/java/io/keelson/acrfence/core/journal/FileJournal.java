package io.keelson.acrfence.core.journal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelson.acrfence.core.json.CanonicalJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The embedded journal: one append-only file of frames, a frame per batch ({@code [length][CRC32C][records as
 * JSON]}), synced before an append returns. Concurrent appends share syncs (group commit: whoever syncs covers
 * every frame written before it). On open, a torn last frame (a crash mid-write) is cut off; damage before the end
 * is refused, naming the byte offset. A lock file keeps a second process out.
 */
public final class FileJournal implements EffectJournal {

    private static final ObjectMapper MAPPER = CanonicalJson.mapper();
    private static final TypeReference<List<JournalRecord>> BATCH = new TypeReference<>() {
    };

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Clock clock;
    private long lastSeq;
    private String lastHash = JournalRecord.GENESIS;
    private volatile long written;

    private final ReentrantLock syncLock = new ReentrantLock();
    private final Condition synced = syncLock.newCondition();
    private long syncedTo;
    private boolean syncing;

    private FileJournal(Path file, FileChannel channel, FileLock lock, Clock clock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.clock = clock;
    }

    /** Opens (or creates) the journal in {@code dir}. */
    public static FileJournal open(Path dir, Clock clock) {
        try {
            Files.createDirectories(dir);
            FileChannel lockChannel = FileChannel.open(dir.resolve("journal.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null; // held by this very process
            }
            if (lock == null) {
                lockChannel.close();
                throw new IllegalStateException("the journal in " + dir + " is open in another process or instance");
            }
            Path file = dir.resolve("journal.log");
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileJournal journal = new FileJournal(file, channel, lock, clock);
            journal.recover();
            return journal;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the journal in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Scans the frames: finds the head, cuts a torn tail, refuses damage before it. */
    private void recover() throws IOException {
        long size = channel.size();
        long[] goodEnd = {0};
        Optional<String> damage = scan(batch -> {
            JournalRecord last = batch.get(batch.size() - 1);
            lastSeq = last.seq();
            lastHash = last.hash();
        }, goodEnd);
        if (damage.isPresent()) {
            throw new IllegalStateException("the journal " + file + " is damaged: " + damage.get());
        }
        if (goodEnd[0] < size) {
            channel.truncate(goodEnd[0]); // a frame torn by a crash mid-write: it was never acknowledged
            channel.force(true);
        }
        channel.position(goodEnd[0]);
        written = goodEnd[0];
        syncedTo = goodEnd[0];
    }

    /**
     * Reads frames from the start, handing each batch to {@code sink}; {@code goodEnd[0]} ends at the last whole
     * frame. Returns the damage found before the end of the file, if any (a bad frame at the very end is a torn write).
     */
    private Optional<String> scan(Consumer<List<JournalRecord>> sink, long[] goodEnd) throws IOException {
        long size = channel.size();
        long at = 0;
        ByteBuffer header = ByteBuffer.allocate(8);
        while (at < size) {
            if (size - at < 8) {
                break; // torn header
            }
            header.clear();
            channel.read(header, at);
            header.flip();
            int length = header.getInt();
            int crc = header.getInt();
            if (length <= 0 || at + 8 + length > size) {
                if (length > 0 && at + 8 + length > size) {
                    break; // torn body
                }
                return Optional.of("frame at byte " + at + " has length " + length);
            }
            ByteBuffer body = ByteBuffer.allocate(length);
            channel.read(body, at + 8);
            CRC32C check = new CRC32C();
            check.update(body.array());
            if ((int) check.getValue() != crc) {
                if (at + 8 + length == size) {
                    break; // the last frame, half written
                }
                return Optional.of("frame at byte " + at + " fails its checksum");
            }
            sink.accept(MAPPER.readValue(body.array(), BATCH));
            at += 8 + length;
            goodEnd[0] = at;
        }
        return Optional.empty();
    }

    @Override
    public List<JournalRecord> append(List<Entry> entries) {
        List<JournalRecord> records = new ArrayList<>(entries.size());
        syncTo(write(entries, records));
        return records;
    }

    @Override
    public List<JournalRecord> appendDeferred(List<Entry> entries) {
        List<JournalRecord> records = new ArrayList<>(entries.size());
        write(entries, records);
        return records;
    }

    /** Writes one frame for {@code entries}, filling {@code records}; returns the file position after it. */
    private long write(List<Entry> entries, List<JournalRecord> records) {
        if (entries.isEmpty()) {
            return 0;
        }
        synchronized (this) {
            long at = clock.millis();
            long seq = lastSeq;
            String prev = lastHash;
            for (Entry e : entries) {
                JournalRecord r = JournalRecord.next(++seq, at, prev, e);
                records.add(r);
                prev = r.hash();
            }
            try {
                byte[] body = MAPPER.writeValueAsBytes(records);
                CRC32C crc = new CRC32C();
                crc.update(body);
                ByteBuffer frame = ByteBuffer.allocate(8 + body.length).putInt(body.length).putInt((int) crc.getValue()).put(body).flip();
                while (frame.hasRemaining()) {
                    channel.write(frame);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to the journal " + file + ": " + e.getMessage(), e);
            }
            lastSeq = seq;
            lastHash = prev;
            written = channelPosition();
            return written;
        }
    }

    private long channelPosition() {
        try {
            return channel.position();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the file is synced at least to {@code end}, syncing itself if nobody is (one sync covers all writes before it). */
    private void syncTo(long end) {
        syncLock.lock();
        try {
            while (syncedTo < end) {
                if (syncing) {
                    synced.awaitUninterruptibly();
                    continue;
                }
                syncing = true;
                long target = written;
                syncLock.unlock();
                try {
                    channel.force(false);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot sync the journal " + file + ": " + e.getMessage(), e);
                } finally {
                    syncLock.lock();
                    syncing = false;
                    synced.signalAll();
                }
                syncedTo = Math.max(syncedTo, target);
            }
        } finally {
            syncLock.unlock();
        }
    }

    @Override
    public void replay(Consumer<JournalRecord> sink) {
        try {
            scan(batch -> batch.forEach(sink), new long[1]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the journal " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            channel.force(false); // deferred notes too
            channel.close();
            lock.release();
            lock.channel().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the journal " + file + ": " + e.getMessage(), e);
        }
    }
}
