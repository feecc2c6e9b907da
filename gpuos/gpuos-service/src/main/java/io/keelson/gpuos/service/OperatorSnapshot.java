package io.keelson.gpuos.service;

import io.keelson.gpuos.core.device.Device;
import io.keelson.gpuos.core.ir.OperatorSpec;
import io.keelson.gpuos.core.operator.OperatorTable;
import io.keelson.gpuos.v1.ListOperatorsResponse;
import io.keelson.gpuos.v1.Operator;
import io.keelson.gpuos.v1.OperatorVersion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Logger;

/**
 * Acknowledged operator changes survive a crash: after every install, switch and rollback the operator
 * table (both versions of every operator, and which is active) is written as one snapshot, synced, and
 * renamed over the previous one (so a kill -9 leaves either the old or the new snapshot, never half of
 * one), before the call is answered. On start the snapshot is replayed into the device: each operator's
 * older version, then its newer, then the one that was active. Tensors live in device memory and, as on
 * a GPU, do not survive the process.
 *
 * <p>The file is a {@code keelson.gpuos.v1.ListOperatorsResponse}: the API's own description of the table.
 */
public final class OperatorSnapshot {

    private static final Logger LOG = Logger.getLogger(OperatorSnapshot.class.getName());

    private final Path file;

    public OperatorSnapshot(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the gpuos state directory " + directory, e);
        }
        this.file = directory.resolve("operators.pb");
    }

    public synchronized void save(List<Device.OperatorInfo> operators) {
        ListOperatorsResponse.Builder snapshot = ListOperatorsResponse.newBuilder();
        for (Device.OperatorInfo op : operators) {
            Operator.Builder o = Operator.newBuilder().setName(op.name()).setActiveEpoch(op.activeEpoch());
            op.versions().forEach(v -> o.addVersions(OperatorVersion.newBuilder().setEpoch(v.epoch()).setSignature(v.signature())));
            snapshot.addOperators(o);
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(java.nio.ByteBuffer.wrap(snapshot.build().toByteArray()));
            out.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + temporary, e);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                dir.force(true); // the rename itself is durable
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + file, e);
        }
    }

    /** Installs the saved operators into {@code device}; a version that no longer compiles is logged and skipped. */
    public synchronized int restore(Device device) {
        if (!Files.exists(file)) {
            return 0;
        }
        ListOperatorsResponse snapshot;
        try {
            snapshot = ListOperatorsResponse.parseFrom(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the operator snapshot " + file, e);
        }
        int restored = 0;
        for (Operator op : snapshot.getOperatorsList()) {
            long activeEpoch = -1;
            for (OperatorVersion v : op.getVersionsList().stream().sorted(Comparator.comparingLong(OperatorVersion::getEpoch)).toList()) {
                try {
                    Device.Installed installed = device.install(OperatorSpec.fromSignature(op.getName(), v.getSignature()), true);
                    restored++;
                    if (v.getEpoch() == op.getActiveEpoch()) {
                        activeEpoch = installed.epoch();
                    }
                } catch (IllegalArgumentException e) {
                    LOG.warning("operator " + op.getName() + " version " + v.getEpoch() + " from " + file + " skipped: " + e.getMessage());
                }
            }
            if (activeEpoch > 0 && device.activate(op.getName(), activeEpoch) instanceof OperatorTable.Change.Refused refused) {
                LOG.warning("operator " + op.getName() + ": could not re-activate its active version: " + refused.reason());
            }
        }
        return restored;
    }
}
