package io.keelson.wio.core.sched;

/** Decides where an actor runs, once per decision period. */
public interface PlacementPolicy {

    String name();

    Placement initial();

    Placement decide(Observation o);

    /** Always on one side: static-host or static-device. */
    static PlacementPolicy fixed(Placement where) {
        return new PlacementPolicy() {
            @Override
            public String name() {
                return where == Placement.HOST ? "static-host" : "static-device";
            }

            @Override
            public Placement initial() {
                return where;
            }

            @Override
            public Placement decide(Observation o) {
                return where;
            }
        };
    }
}
