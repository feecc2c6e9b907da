package io.keelson.sysom.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A directory a training job's profiler writes traces into ({@code torch.profiler.tensorboard_trace_handler} writes one
 * {@code *.pt.trace.json[.gz]} per cycle). Each poll returns the files that are new and finished — the same size as at
 * the previous poll, so a file still being written is left for later — each file once.
 */
public final class TraceDirectory {

    private final Path dir;
    private final Map<Path, Long> sizes = new HashMap<>();
    private final Set<Path> done = new HashSet<>();

    public TraceDirectory(Path dir) {
        this.dir = dir;
    }

    public List<Path> poll() throws IOException {
        List<Path> ready = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (done.contains(f) || !(name.endsWith(".json") || name.endsWith(".json.gz")) || !Files.isRegularFile(f)) {
                    continue;
                }
                long size = Files.size(f);
                Long before = sizes.put(f, size);
                if (before != null && before == size && size > 0) {
                    ready.add(f);
                    done.add(f);
                    sizes.remove(f);
                }
            }
        }
        return ready;
    }
}
