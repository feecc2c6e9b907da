package io.keelson.wio.core.sched;

/** Decides where each stage of a pipeline runs, once per decision period. */
public interface PlacementPolicy {

    String name();

    Plan initial(int stages);

    Plan decide(Observation o);

    /** Every stage always on one side: static-host or static-device. */
    static PlacementPolicy fixed(Placement where) {
        return new PlacementPolicy() {
            @Override
            public String name() {
                return where == Placement.HOST ? "static-host" : "static-device";
            }

            @Override
            public Plan initial(int stages) {
                return Plan.all(where, stages);
            }

            @Override
            public Plan decide(Observation o) {
                return Plan.all(where, o.current().stages().size());
            }
        };
    }
}
