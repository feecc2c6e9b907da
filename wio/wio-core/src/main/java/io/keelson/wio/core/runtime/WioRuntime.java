package io.keelson.wio.core.runtime;

import io.keelson.wio.core.actor.ActorInstance;
import io.keelson.wio.core.actor.ActorModule;
import io.keelson.wio.core.actor.Actors;
import io.keelson.wio.core.actor.CallLimit;
import io.keelson.wio.core.actor.LogfmtRecord;
import io.keelson.wio.core.actor.LzDecompressor;
import io.keelson.wio.core.migrate.ActorExecutor;
import io.keelson.wio.core.migrate.DeployedActor;
import io.keelson.wio.core.migrate.DrainAndSwitch;
import io.keelson.wio.core.region.ControlBlock;
import io.keelson.wio.core.region.CxlRegion;
import io.keelson.wio.core.region.SlotLayout;
import io.keelson.wio.core.sched.AgilityScheduler;
import io.keelson.wio.core.sched.Observation;
import io.keelson.wio.core.sched.Placement;
import io.keelson.wio.core.sched.PlacementPolicy;
import io.keelson.wio.core.sched.Plan;
import io.keelson.wio.core.sim.Platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * wio on a live machine: actors deployed on slots of the shared region, with instances ready on the host and on the
 * emulated device; pipelines of actors that records are written through onto the device's block store; migration by
 * drain-and-switch, by hand or by a placement policy that watches the device; and the device's telemetry. Each actor
 * is run by one call at a time (its lock), which is also what a migration waits for: the call in flight.
 */
public final class WioRuntime implements AutoCloseable {

    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    /**
     * @param slots               actors the region holds
     * @param deviceBytesPerSecond the device's actor throughput at full speed (it is paced to this, times its throttle)
     * @param hostBytesPerSecond  what the host's cores give the actors (the placement policy's headroom)
     * @param timeScale           how much faster than the wall clock the device's thermal model runs
     * @param decisionPeriod      how often (wall clock) the placement policy looks at the device
     */
    public record Settings(int slots, SlotLayout layout, double deviceBytesPerSecond, double hostBytesPerSecond, double timeScale,
                           Duration decisionPeriod, Platform platform) {

        public static Settings standard() {
            return new Settings(32, SlotLayout.standard(), 32e6, 32e6, 1, Duration.ofSeconds(1), Platform.standard());
        }
    }

    /** Where an actor's module comes from: one Keelson bundles, by name, or a module of the caller's own. */
    public sealed interface Source permits Bundled, Custom {
    }

    public record Bundled(String name) implements Source {
    }

    public record Custom(byte[] wasm) implements Source {
    }

    /** An actor as the API shows it. */
    public record ActorView(String name, String module, ControlBlock.Side side, ControlBlock.State state, int slot, int pages, int maxPages,
                            long processed, long queuedBytes, long epoch, Optional<String> failure) {
    }

    /** What a migration cost. */
    public record Migration(ActorView actor, long pauseNanos, int bytesMoved) {
    }

    /** One record read back from a pipeline's store. */
    public record ReadRecord(long sequence, List<LogfmtRecord.Field> fields, boolean checksumOk) {
    }

    /** Every slot of the region holds an actor. */
    public static final class Full extends IllegalStateException {
        public Full(String message) {
            super(message);
        }
    }

    /** The device is not there: nothing runs on it, nothing moves to it, and a drain it was to do does not happen. */
    public static final class DeviceGone extends RuntimeException {
        public DeviceGone(String message) {
            super(message);
        }
    }

    /** An actor failed on a record: the write stops there; what came before is stored. */
    public static final class ActorFailed extends IllegalStateException {
        public ActorFailed(String message) {
            super(message);
        }
    }

    private static final class LiveActor {
        final String name;
        final String module;
        final DeployedActor deployed;
        final Deque<ActorInstance.Outcome> outbox = new ArrayDeque<>();
        final ReentrantLock lock = new ReentrantLock();
        final AtomicLong worked = new AtomicLong(); // bytes of records run since the last placement decision: its share of the work

        LiveActor(String name, String module, DeployedActor deployed) {
            this.name = name;
            this.module = module;
            this.deployed = deployed;
        }
    }

    private final Settings settings;
    private final Path home;
    private final Deployments deployments;
    private final String layout;
    private final List<Deployments.Entry> entries = new ArrayList<>();
    private final CxlRegion region;
    private final BitSet usedSlots = new BitSet();
    private final Map<String, LiveActor> actors = new ConcurrentHashMap<>();
    private final Map<Duration, CallLimit> limits = new HashMap<>();
    private final Map<String, BlockStore> stores = new HashMap<>();
    private final LiveDevice device;
    private final ScheduledExecutorService placementLoop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wio-placement");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong migrations = new AtomicLong();
    private final Deque<double[]> temperatures = new ArrayDeque<>(); // (model seconds, °C) over the last 10 s
    private volatile Optional<PlacementPolicy> policy = Optional.empty(); // manual: actors stay where deployed or moved
    private volatile boolean placeAfresh; // a policy just set: its initial plan goes first
    private volatile double placedAt;

    private WioRuntime(Path home, Settings settings) {
        this.home = home;
        this.settings = settings;
        this.deployments = new Deployments(home);
        this.layout = "layout ring=" + settings.layout().ringBytes() + " memory=" + settings.layout().memoryBytes() + " slots=" + settings.slots();
        deployments.layout().filter(l -> !l.equals(layout)).ifPresent(l -> {
            throw new IllegalStateException("the region under " + home + " was laid out as '" + l + "', not '" + layout
                    + "': keep the settings it was made with, or move it away to start afresh");
        });
        try {
            java.nio.file.Files.createDirectories(home);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + home + ": " + e.getMessage(), e);
        }
        this.region = CxlRegion.mapped(home.resolve("region"), settings.layout(), settings.slots());
        this.device = new LiveDevice(settings.platform(), settings.deviceBytesPerSecond(), settings.timeScale());
        for (Deployments.Entry e : deployments.entries()) {
            entries.add(e);
            ActorModule module = module(e.name(), e.bundled().<Source>map(Bundled::new).orElseGet(() -> new Custom(read(deployments.module(e.name())))),
                    e.interpreted());
            LiveActor[] self = new LiveActor[1];
            DeployedActor deployed = DeployedActor.reattach(module, region.slot(e.slot()), limit(Duration.ofMillis(e.callLimitMillis())),
                    (seq, outcome) -> self[0].outbox.add(outcome));
            self[0] = new LiveActor(e.name(), module.name(), deployed);
            usedSlots.set(e.slot());
            actors.put(e.name(), self[0]);
        }
        long period = settings.decisionPeriod().toNanos();
        placementLoop.scheduleWithFixedDelay(this::place, period, period, TimeUnit.NANOSECONDS);
    }

    /**
     * State under {@code home}: the region (a file, so actors keep their memory and queues across a restart), what is
     * deployed on it, and the pipelines' block stores. Actors deployed before are reattached where they were.
     */
    public static WioRuntime start(Path home, Settings settings) {
        return new WioRuntime(home, settings);
    }

    private static byte[] read(Path file) {
        try {
            return java.nio.file.Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the module " + file + ": " + e.getMessage(), e);
        }
    }

    private static ActorModule module(String name, Source source, boolean interpreted) {
        ActorModule.Execution execution = interpreted ? ActorModule.Execution.INTERPRETED : ActorModule.Execution.COMPILED;
        return source instanceof Bundled b ? Actors.load(b.name(), execution) : ActorModule.load("custom", ((Custom) source).wasm(), execution);
    }

    private synchronized CallLimit limit(Duration callLimit) {
        return limits.computeIfAbsent(callLimit, CallLimit::new);
    }

    /**
     * Deploys an actor and records it, so a restart reattaches it.
     *
     * @throws ActorModule.Rejected a module that is not an actor
     */
    public synchronized ActorView deploy(String name, Source source, boolean interpreted, Optional<byte[]> config, ControlBlock.Side side,
                                         Duration callLimit) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: " + NAME.pattern() + ", was '" + name + "'");
        }
        if (actors.containsKey(name)) {
            throw new IllegalStateException("name: an actor named '" + name + "' is deployed");
        }
        int slot = usedSlots.nextClearBit(0);
        if (slot >= settings.slots()) {
            throw new Full("all " + settings.slots() + " actor slots of the region are in use");
        }
        ActorModule module = module(name, source, interpreted);
        LiveActor[] self = new LiveActor[1];
        DeployedActor deployed = DeployedActor.deploy(module, region.slot(slot), config, side, limit(callLimit),
                (seq, outcome) -> self[0].outbox.add(outcome));
        self[0] = new LiveActor(name, module.name(), deployed);
        usedSlots.set(slot);
        actors.put(name, self[0]);
        entries.add(new Deployments.Entry(name, slot, source instanceof Bundled b ? Optional.of(b.name()) : Optional.empty(), interpreted,
                callLimit.toMillis(), config));
        deployments.write(layout, entries, source instanceof Custom c ? Optional.of(c.wasm()) : Optional.empty(), name);
        return view(self[0]);
    }

    public List<ActorView> actors() {
        return actors.values().stream().sorted(Comparator.comparingInt(a -> a.deployed.slot().index())).map(this::view).toList();
    }

    private LiveActor actor(String name) {
        LiveActor a = actors.get(name);
        if (a == null) {
            throw new NoSuchElementException("no actor named '" + name + "'");
        }
        return a;
    }

    private ActorView view(LiveActor a) {
        ControlBlock c = a.deployed.slot().control();
        return new ActorView(a.name, a.module, c.owner(), c.state(), a.deployed.slot().index(), c.pages(), settings.layout().maxPages(),
                c.processed(), a.deployed.slot().ring().depthBytes(), c.epoch(), a.deployed.failure());
    }

    /** A stream of records into a pipeline; {@link #finish} makes what was stored durable and says what happened. */
    public final class WriteSession {
        private final List<LiveActor> stages;
        private final BlockStore store;
        private long accepted;
        private long stored;
        private long rejected;
        private long dropped;
        private long storedBytes;

        private WriteSession(List<LiveActor> stages, BlockStore store) {
            this.stages = stages;
            this.store = store;
        }

        /**
         * @throws ActorFailed when an actor of the pipeline fails (it keeps the record queued)
         */
        public void write(byte[] record) {
            accepted++;
            byte[] data = record;
            for (LiveActor stage : stages) {
                ActorInstance.Outcome outcome = run(stage, data);
                if (outcome instanceof ActorInstance.Rejected) {
                    rejected++;
                    return;
                }
                if (outcome instanceof ActorInstance.Dropped) {
                    dropped++;
                    return;
                }
                data = ((ActorInstance.Output) outcome).bytes();
            }
            try {
                store.append(data);
            } catch (IOException e) {
                throw new UncheckedIOException("the device's block store: " + e.getMessage(), e);
            }
            stored++;
            storedBytes += data.length;
        }

        public record Result(long accepted, long stored, long rejected, long dropped, long storedBytes) {
        }

        public Result finish() {
            try {
                store.sync();
            } catch (IOException e) {
                throw new UncheckedIOException("the device's block store: " + e.getMessage(), e);
            }
            return new Result(accepted, stored, rejected, dropped, storedBytes);
        }
    }

    public WriteSession write(List<String> pipeline) {
        return new WriteSession(stages(pipeline), store(pipeline));
    }

    private List<LiveActor> stages(List<String> pipeline) {
        if (pipeline.isEmpty()) {
            throw new IllegalArgumentException("pipeline: at least one actor");
        }
        return pipeline.stream().map(this::actor).toList();
    }

    private synchronized BlockStore store(List<String> pipeline) {
        String key = String.join("+", pipeline);
        return stores.computeIfAbsent(key, k -> {
            try {
                return new BlockStore(home.resolve("store").resolve(k + ".log"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the block store of " + k + ": " + e.getMessage(), e);
            }
        });
    }

    /** One record through one actor, on whichever side owns it, paced to the device when it is there. */
    private ActorInstance.Outcome run(LiveActor a, byte[] record) {
        a.lock.lock();
        try {
            var ring = a.deployed.slot().ring();
            while (!ring.offer(record)) {
                step(a); // the queue holds what a failed actor left: make room or fail
            }
            while (a.outbox.isEmpty()) {
                step(a);
            }
            return a.outbox.poll();
        } finally {
            a.lock.unlock();
        }
    }

    private void step(LiveActor a) {
        ControlBlock.Side side = a.deployed.owner();
        if (side == ControlBlock.Side.DEVICE && !device.present()) {
            throw new DeviceGone("the device is not present: actor " + a.name + " runs there; its records wait in its queue");
        }
        int bytes = a.deployed.slot().ring().peek().map(r -> r.length).orElse(0);
        ActorExecutor.Stop stop = a.deployed.executor(side).run(1);
        if (stop == ActorExecutor.Stop.FAILED) {
            throw new ActorFailed("actor " + a.name + " failed: " + a.deployed.failure().orElse("?"));
        }
        if (stop == ActorExecutor.Stop.BUDGET) {
            a.worked.addAndGet(bytes);
            device.worked(side == ControlBlock.Side.DEVICE, bytes);
            if (side == ControlBlock.Side.DEVICE) {
                long wait = device.book(bytes);
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        } else if (stop != ActorExecutor.Stop.IDLE) {
            throw new IllegalStateException("actor " + a.name + " stopped: " + stop);
        }
    }

    /** The pipeline's stored records, read back in order: decompressed, checksum verified, parsed, filtered. */
    public void read(List<String> pipeline, Optional<String> filterActor, long limit, Consumer<ReadRecord> out) {
        List<LiveActor> stages = stages(pipeline);
        Optional<LiveActor> filter = filterActor.map(this::actor);
        LzDecompressor lz = new LzDecompressor();
        long[] sequence = {0};
        long[] sent = {0};
        try {
            store(pipeline).forEach(stored -> {
                if (limit > 0 && sent[0] >= limit) {
                    return;
                }
                byte[] data = stored;
                boolean checksumOk = true;
                for (int i = stages.size() - 1; i >= 0; i--) {
                    switch (stages.get(i).module) {
                        case "lz" -> data = lz.decompress(data);
                        case "crc32c" -> {
                            int n = data.length - 4;
                            CRC32C crc = new CRC32C();
                            crc.update(data, 0, n);
                            checksumOk &= (int) crc.getValue() == ByteBuffer.wrap(data, n, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
                            data = java.util.Arrays.copyOf(data, n);
                        }
                        default -> { }
                    }
                }
                long seq = sequence[0]++;
                if (filter.isPresent() && !(run(filter.get(), data) instanceof ActorInstance.Output)) {
                    return;
                }
                List<LogfmtRecord.Field> fields = stages.get(0).module.equals("logfmt") ? LogfmtRecord.decode(data)
                        : List.of(new LogfmtRecord.Field("bytes", java.util.Base64.getEncoder().encodeToString(data)));
                out.accept(new ReadRecord(seq, fields, checksumOk));
                sent[0]++;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("the device's block store: " + e.getMessage(), e);
        }
    }

    /**
     * Moves an actor to {@code to} by drain-and-switch: waits for its call in flight, hands over ownership.
     *
     * @throws DrainAndSwitch.InProgress when the actor is failed
     * @throws IllegalStateException     when it already runs there
     */
    public Migration migrate(String name, ControlBlock.Side to) {
        LiveActor a = actor(name);
        if (to == ControlBlock.Side.NONE) {
            throw new IllegalArgumentException("to: host or device");
        }
        a.lock.lock();
        try {
            ControlBlock c = a.deployed.slot().control();
            ControlBlock.Side from = c.owner();
            if (from == to && c.state() == ControlBlock.State.RUNNING) {
                throw new IllegalStateException("to: actor " + name + " already runs on the " + to.name().toLowerCase(java.util.Locale.ROOT));
            }
            if (to == ControlBlock.Side.DEVICE && !device.present()) {
                throw new DeviceGone("to: the device is not present");
            }
            long t0 = System.nanoTime();
            long epoch = DrainAndSwitch.request(c);
            if (from == ControlBlock.Side.DEVICE && !device.present()) {
                // the device went away before it drained: whether its last call finished is unknown, so the actor is
                // not taken over on a guess - it fails where it is, its queue kept, to be redeployed
                c.state(ControlBlock.State.FAILED);
                throw new DeviceGone("the device disappeared before actor " + name + " drained (epoch " + epoch
                        + "); the actor is failed on the device, its queued records kept");
            }
            a.deployed.executor(from).run(1);
            if (!DrainAndSwitch.tryTakeOver(c, to, epoch)) {
                throw new IllegalStateException("actor " + name + " did not drain");
            }
            long pause = System.nanoTime() - t0;
            migrations.incrementAndGet();
            return new Migration(view(a), pause, ControlBlock.SWITCH_BYTES);
        } finally {
            a.lock.unlock();
        }
    }

    /**
     * manual (the default: actors stay where deployed or moved by hand), static-host, static-device or reversible; under
     * a policy the actors move where it wants them within a second (a move by hand lasts until its next decision).
     */
    public void placement(String name) {
        Optional<PlacementPolicy> next = switch (name) {
            case "manual" -> Optional.empty();
            case "static-host" -> Optional.of(PlacementPolicy.fixed(Placement.HOST));
            case "static-device" -> Optional.of(PlacementPolicy.fixed(Placement.DEVICE));
            case "reversible" -> Optional.of(AgilityScheduler.standard(settings.platform()));
            default -> throw new IllegalArgumentException("policy: manual, static-host, static-device or reversible, was '" + name + "'");
        };
        placeAfresh = next.isPresent();
        placedAt = device.secondsSinceStart();
        policy = next;
    }

    public String placement() {
        return policy.map(PlacementPolicy::name).orElse("manual");
    }

    public long migrations() {
        return migrations.get();
    }

    public LiveDevice.Reading telemetry() {
        return device.read();
    }

    /** The emulated device, to take it away and bring it back (a surprise removal). */
    public LiveDevice device() {
        return device;
    }

    /**
     * Once a second: what the policy wants, given what the device shows; actors not there are moved. The actors are the
     * stages it places, each weighed by the bytes it ran since the last decision (the device charges its compute by the
     * byte).
     */
    private void place() {
        Optional<PlacementPolicy> current = policy;
        if (current.isEmpty()) {
            return;
        }
        try {
            LiveDevice.Reading r = device.read();
            temperatures.addLast(new double[] {r.seconds(), r.temperatureC()});
            // keep the readings of the last 10 s and the one just before them, so the slope always spans 10 s or more
            while (temperatures.size() > 2 && r.seconds() - temperatures.stream().skip(1).findFirst().orElseThrow()[0] >= 10) {
                temperatures.pollFirst();
            }
            double[] first = temperatures.peekFirst();
            double slope = r.seconds() - first[0] > 0 ? (r.temperatureC() - first[1]) / (r.seconds() - first[0]) : 0;
            List<LiveActor> stages = actors.values().stream().filter(a -> a.deployed.slot().control().state() == ControlBlock.State.RUNNING)
                    .sorted(Comparator.comparing(a -> a.name)).toList();
            if (stages.isEmpty()) {
                return;
            }
            long[] worked = stages.stream().mapToLong(a -> a.worked.getAndSet(0)).toArray();
            long total = Arrays.stream(worked).sum();
            List<Double> shares = Arrays.stream(worked).mapToObj(w -> total == 0 ? 1.0 / stages.size() : (double) w / total).toList();
            Plan now = new Plan(stages.stream().map(a -> a.deployed.owner() == ControlBlock.Side.HOST ? Placement.HOST : Placement.DEVICE).toList());
            Plan next;
            if (placeAfresh) {
                placeAfresh = false;
                next = current.get().initial(stages.size());
            } else {
                next = current.get().decide(new Observation(r.seconds(), now, r.seconds() - placedAt, r.temperatureC(), slope, r.throttle(), r.watts(),
                        settings.platform().powerCapWatts(), settings.hostBytesPerSecond(), settings.deviceBytesPerSecond(), shares,
                        r.deviceBytesPerSecond() + r.hostBytesPerSecond(), 0, 0));
            }
            if (now.moves(next) > 0) {
                placedAt = r.seconds();
            }
            for (int i = 0; i < stages.size(); i++) {
                if (next.side(i) != now.side(i)) {
                    migrate(stages.get(i).name, next.side(i) == Placement.HOST ? ControlBlock.Side.HOST : ControlBlock.Side.DEVICE);
                }
            }
        } catch (RuntimeException e) {
            // a placement round that fails (an actor failed meanwhile) is tried again next second
        }
    }

    @Override
    public void close() {
        placementLoop.shutdownNow();
        limits.values().forEach(CallLimit::close);
        synchronized (this) {
            for (BlockStore s : stores.values()) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing: nothing more to do
                }
            }
        }
        region.close();
    }
}
