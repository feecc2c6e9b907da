package io.keelson.sysom.core.diagnosis;

import io.keelson.sysom.core.xfault.Culprit;
import io.keelson.sysom.core.xfault.FaultClass;

import java.util.List;

/**
 * A suspect the diagnosis reports: where (a rank or a link), what (the fault class), the deepest layer that
 * explained it, a confidence in [0, 1], how much slower the suspect is than its peers, and the evidence chain.
 */
public record Finding(Culprit culprit, FaultClass faultClass, Layer layer, double confidence, double slowdown, List<Evidence> evidence) {

    public Finding {
        evidence = List.copyOf(evidence);
    }
}
