package io.keelson.agentcgroup.core.cgroup;

/**
 * A group's memory pressure (PSI, {@code memory.pressure}): the share of the last 10 s in which some (or all)
 * of its tasks stalled on memory, and the total stall time since the group was created.
 */
public record Pressure(double someAvg10, long someTotalMicros, double fullAvg10, long fullTotalMicros) {

    /** Parses {@code some avg10=1.00 avg60=… avg300=… total=N} and the {@code full} line (absent before Linux 5.x for some files). */
    static Pressure parse(String text, String file) {
        double[] avg = new double[2];
        long[] total = new long[2];
        for (String line : text.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            int row = fields[0].equals("some") ? 0 : fields[0].equals("full") ? 1 : -1;
            if (row < 0) {
                continue;
            }
            for (String field : fields) {
                try {
                    if (field.startsWith("avg10=")) {
                        avg[row] = Double.parseDouble(field.substring(6)) / 100;
                    } else if (field.startsWith("total=")) {
                        total[row] = Long.parseLong(field.substring(6));
                    }
                } catch (NumberFormatException e) {
                    throw new CgroupException(file + " holds '" + line + "', not pressure figures", e);
                }
            }
        }
        return new Pressure(avg[0], total[0], avg[1], total[1]);
    }
}
