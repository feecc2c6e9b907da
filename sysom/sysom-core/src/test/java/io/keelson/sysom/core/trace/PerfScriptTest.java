package io.keelson.sysom.core.trace;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PerfScriptTest {

    // as perf 6.1's `perf script` printed a `perf record -e cpu-clock -g` of a shell loop on the build machine, plus damage
    private static final String SCRIPT = String.join("\n",
            "sh  2861 30295.478181:   10101010 cpu-clock: ",
            "\t           5c477 __vfprintf_internal+0x77 (/usr/lib/x86_64-linux-gnu/libc.so.6)",
            "\t            9a10 main+0x40 (/usr/bin/dash)",
            "",
            "sh  2861 30295.490492:   10101010 cpu-clock: ",
            "\t            42b0 strcmp@plt+0x0 (/usr/bin/dash)",
            "\t               7 [unknown] ([unknown])",
            "\t2d00672d00752d00 [unknown] (/usr/bin/dash)",
            "",
            "sh  2861 30295.502452:   10101010 cpu-clock: ",
            "\t           5c477 __vfprintf_internal+0x77 (/usr/lib/x86_64-linux-gnu/libc.so.6)",
            "\t            9a10 main+0x40 (/usr/bin/dash)",
            "",
            "my worker 77/78 [001] 30295.6:   10101010 cpu-clock: ",
            "\t            1234 spin+0x4 (/opt/app)",
            "",
            "sh  2861 30295.700000:   10101010 cpu-clock: ",
            "",
            "garbage that is no sample",
            "");

    @Test
    void samplesFoldRootFirstUnderTheirCommandWithOffsetsDroppedAndUnknownFramesNamedByTheirObject() throws Exception {
        ReadReport report = new ReadReport();
        Map<String, Long> folded = PerfScript.fold(new BufferedReader(new StringReader(SCRIPT)), report);

        assertThat(folded).containsExactlyInAnyOrderEntriesOf(Map.of(
                "sh;main;__vfprintf_internal", 2L,
                "sh;[dash];[unknown];strcmp@plt", 1L,
                "my worker;spin", 1L));
        assertThat(report.keptEvents()).isEqualTo(4);
        assertThat(report.skippedByReason()).isEqualTo(Map.of("sample without a call graph", 1L, "neither a sample header nor a frame", 1L));
    }
}
