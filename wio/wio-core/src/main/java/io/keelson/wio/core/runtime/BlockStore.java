package io.keelson.wio.core.runtime;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * What a pipeline wrote to the (emulated) device: its last actor's outputs, framed (a 4-byte length, the bytes) in an
 * append-only file. {@link #sync} makes what was appended durable; a write is acknowledged only after it, so an
 * acknowledged record survives a kill -9. A torn frame at the end (a crash mid-append) is ignored on reading.
 */
final class BlockStore implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;

    BlockStore(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    synchronized void append(byte[] record) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(4 + record.length).putInt(record.length).put(record).flip();
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
    }

    synchronized void sync() throws IOException {
        channel.force(false);
    }

    /** Every whole record, in the order written. */
    void forEach(Consumer<byte[]> each) throws IOException {
        try (InputStream in = Files.newInputStream(file); DataInputStream data = new DataInputStream(new java.io.BufferedInputStream(in))) {
            while (true) {
                int length;
                try {
                    length = data.readInt();
                } catch (EOFException e) {
                    return;
                }
                byte[] record = new byte[length];
                try {
                    data.readFully(record);
                } catch (EOFException e) {
                    return; // a torn last frame: never acknowledged
                }
                each.accept(record);
            }
        }
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
