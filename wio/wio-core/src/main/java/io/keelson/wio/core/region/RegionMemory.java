package io.keelson.wio.core.region;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;

import java.nio.ByteBuffer;

/**
 * A wasm linear memory that is an actor's slot of the shared region. Its size in pages is kept in the slot's
 * {@link ControlBlock}, not in this object, so every instance over the slot - the host's and the device's - sees one
 * memory of one size; it grows within the slot and no further (the actor's memory limit). Accesses beyond the
 * current size trap as wasm requires. Not shared in the wasm sense: one owner runs the actor at a time.
 */
public final class RegionMemory implements Memory {

    private final ByteBuffer bytes;
    private final ControlBlock control;
    private final int maxPages;
    private DataSegment[] segments = new DataSegment[0];

    RegionMemory(ByteBuffer bytes, ControlBlock control, int maxPages) {
        this.bytes = bytes;
        this.control = control;
        this.maxPages = maxPages;
    }

    /**
     * The memory an instance of a module declaring {@code limits} gets: at first the module's initial pages (zeroed);
     * an instance made later over the same slot finds the memory as the actor left it.
     *
     * @throws IllegalArgumentException when the module needs more pages than the slot has
     */
    public RegionMemory adopt(MemoryLimits limits) {
        if (limits.initialPages() > maxPages) {
            throw new IllegalArgumentException("memory: the module needs " + limits.initialPages() + " pages; the actor's limit is " + maxPages);
        }
        if (control.pages() == 0) {
            zeroFrom(0);
            control.pages(limits.initialPages());
        }
        return this;
    }

    /** Sets the memory's size outright: a restore of a copied actor (the copy-based baseline), not a wasm operation. */
    public void forceSize(int pages) {
        if (pages < 1 || pages > maxPages) {
            throw new IllegalArgumentException("memory: 1.." + maxPages + " pages, was " + pages);
        }
        control.pages(pages);
    }

    private void zeroFrom(int from) {
        for (int i = from; i < bytes.capacity(); i += 8) {
            bytes.putLong(i, 0L);
        }
    }

    private int size() {
        return control.pages() * PAGE_SIZE;
    }

    private void check(int addr, int size) {
        if (addr < 0 || size < 0 || (long) addr + size > size()) {
            throw new WasmRuntimeException("out of bounds memory access: attempted to access address: " + addr + " but limit is: " + size()
                    + " and size: " + size);
        }
    }

    @Override
    public int pages() {
        return control.pages();
    }

    @Override
    public int grow(int delta) {
        int before = control.pages();
        long after = (long) before + delta;
        if (delta < 0 || after > maxPages) {
            return -1;
        }
        control.pages((int) after);
        return before;
    }

    @Override
    public int initialPages() {
        return control.pages();
    }

    @Override
    public int maximumPages() {
        return maxPages;
    }

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    public Object lock(int address) {
        return this;
    }

    @Override
    public int waitOn(int address, int expected, long timeout) {
        throw new WasmRuntimeException("atomic wait on an unshared memory");
    }

    @Override
    public int waitOn(int address, long expected, long timeout) {
        throw new WasmRuntimeException("atomic wait on an unshared memory");
    }

    @Override
    public int notify(int address, int maxThreads) {
        return 0;
    }

    /** Keeps the passive segments; an active one would overwrite the actor's state at every instantiation, so none is taken. */
    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments) {
        if (dataSegments == null) {
            return;
        }
        for (DataSegment s : dataSegments) {
            if (s instanceof ActiveDataSegment) {
                throw new WasmRuntimeException("an actor's module may not have active data segments");
            }
        }
        this.segments = dataSegments.clone();
    }

    @Override
    public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
        byte[] data = segments[segmentId].data();
        if (offset < 0 || size < 0 || (long) offset + size > data.length) {
            throw new WasmRuntimeException("out of bounds memory access: data segment " + segmentId);
        }
        write(dest, data, offset, size);
    }

    @Override
    public void write(int addr, byte[] data, int offset, int size) {
        check(addr, size);
        bytes.put(addr, data, offset, size);
    }

    @Override
    public byte read(int addr) {
        check(addr, 1);
        return bytes.get(addr);
    }

    @Override
    public byte[] readBytes(int addr, int len) {
        check(addr, len);
        byte[] out = new byte[len];
        bytes.get(addr, out);
        return out;
    }

    @Override
    public void writeI32(int addr, int data) {
        check(addr, 4);
        bytes.putInt(addr, data);
    }

    @Override
    public int readInt(int addr) {
        check(addr, 4);
        return bytes.getInt(addr);
    }

    @Override
    public void writeLong(int addr, long data) {
        check(addr, 8);
        bytes.putLong(addr, data);
    }

    @Override
    public long readLong(int addr) {
        check(addr, 8);
        return bytes.getLong(addr);
    }

    @Override
    public void writeShort(int addr, short data) {
        check(addr, 2);
        bytes.putShort(addr, data);
    }

    @Override
    public short readShort(int addr) {
        check(addr, 2);
        return bytes.getShort(addr);
    }

    @Override
    public long readU16(int addr) {
        return readShort(addr) & 0xFFFFL;
    }

    @Override
    public void writeByte(int addr, byte data) {
        check(addr, 1);
        bytes.put(addr, data);
    }

    @Override
    public void writeF32(int addr, float data) {
        check(addr, 4);
        bytes.putFloat(addr, data);
    }

    @Override
    public long readF32(int addr) {
        return readInt(addr);
    }

    @Override
    public float readFloat(int addr) {
        check(addr, 4);
        return bytes.getFloat(addr);
    }

    @Override
    public void writeF64(int addr, double data) {
        check(addr, 8);
        bytes.putDouble(addr, data);
    }

    @Override
    public double readDouble(int addr) {
        check(addr, 8);
        return bytes.getDouble(addr);
    }

    @Override
    public long readF64(int addr) {
        return readLong(addr);
    }

    /**
     * Chicory zeroes a memory whenever an instance is made over it; this one was zeroed when its slot was first
     * adopted, and an instance made later (the other side's, ahead of a migration) must find the actor's state, so
     * this does nothing.
     */
    @Override
    public void zero() {
        // see above: never clear an actor's state on instantiation
    }

    @Override
    public void fill(byte value, int fromIndex, int toIndex) {
        check(fromIndex, toIndex - fromIndex);
        for (int i = fromIndex; i < toIndex; i++) {
            bytes.put(i, value);
        }
    }

    @Override
    public void copy(int dest, int src, int size) {
        check(src, size);
        check(dest, size);
        ByteBuffer from = bytes.duplicate().position(src).limit(src + size).slice();
        if (dest > src && dest < src + size) { // overlapping forward: copy through a temporary array
            byte[] tmp = new byte[size];
            from.get(tmp);
            bytes.put(dest, tmp);
        } else {
            bytes.put(dest, from, 0, size);
        }
    }

    @Override
    public void drop(int segment) {
        segments[segment] = PassiveDataSegment.EMPTY;
    }
}
