package dev.ballast.streams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.streams.sim.Range;
import dev.ballast.streams.sim.ScenarioFiles;
import dev.ballast.streams.sim.TippingSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tipping options of {@code simulate}: ranges parsed once, bad ones refused with the flag named. */
class SimulateOptionsTest {

    private static int run(StringWriter err, String... args) {
        return BallastCli.commandLine().setErr(new PrintWriter(err, true)).setOut(new PrintWriter(new StringWriter()))
                .execute(args);
    }

    @Test
    void defaultsAreTheDocumentedProcessAndOneNumberFixesAValue() {
        ScenarioOptions defaults = new ScenarioOptions();
        picocli.CommandLine.populateCommand(defaults);
        assertEquals(TippingSpec.DEFAULT, defaults.spec(1, 10, 0, 0).tipping());

        ScenarioOptions fixed = new ScenarioOptions();
        picocli.CommandLine.populateCommand(fixed, "--tipping-growth", "0.02", "--reward-ratio", "2:3");
        TippingSpec t = fixed.spec(1, 10, 0, 0).tipping();
        assertEquals(new Range(0.02, 0.02), t.growth());
        assertEquals(new Range(2, 3), t.rewardRatio());
    }

    @Test
    void badRangesStopWithTheOptionNamed(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "simulate", "--out", dir.resolve("a").toString(), "--reward-ratio", "abc"));
        assertTrue(err.toString().contains("'--reward-ratio': takes MIN:MAX or one number"), err.toString());

        StringWriter reversed = new StringWriter();
        assertEquals(2, run(reversed, "simulate", "--out", dir.resolve("b").toString(), "--tipping-growth", "0.05:0.01"));
        assertTrue(reversed.toString().contains("--tipping-growth") && reversed.toString().contains("growth range"),
                reversed.toString());
        assertTrue(!Files.exists(dir.resolve("b").resolve(ScenarioFiles.TRUTH)), "nothing written");
    }

    @Test
    void outOfRangeCountsSayWhichAndWhatWasGiven(@TempDir Path dir) {
        String out = dir.resolve("a").toString();
        java.util.Map<String, String[]> cases = new java.util.LinkedHashMap<>();
        cases.put("rounds: at least 100, a warm-up and room for changes after it (got 60)", new String[]{"--rounds", "60"});
        cases.put("group size: at least 3 (got 2)", new String[]{"--contagious-groups", "1", "--group-size", "2"});
        cases.put("observed peers: from 1 to the group size less one, 11 (got 12)",
                new String[]{"--contagious-groups", "1", "--observed-peers", "12"});
        cases.put("agents: 0 single agents and no groups leave nothing to simulate", new String[]{"--agents", "0"});
        cases.put("agent shares: each 0 or more, together at most 1 (got tipping 0.6, drift 0.5, policy-sensitive 0.1)",
                new String[]{"--tipping-share", "0.6", "--drift-share", "0.5"});
        cases.forEach((said, args) -> {
            StringWriter err = new StringWriter();
            String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of("simulate", "--out", out),
                    java.util.Arrays.stream(args)).toArray(String[]::new);
            assertEquals(2, run(err, all), err.toString());
            assertTrue(err.toString().contains(said), err.toString());
        });
    }

    @Test
    void aScenarioTooLargeForTheHeapIsRefusedWithItsSizeBeforeAnythingIsBuilt(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "simulate", "--out", dir.resolve("a").toString(), "--agents", "10000000",
                "--rounds", "100000000"));
        assertTrue(err.toString().contains("1,000,000,000,002,610 records") && err.toString().contains("BALLAST_JAVA_OPTS"),
                err.toString());
        assertTrue(!Files.exists(dir.resolve("a").resolve(ScenarioFiles.TRUTH)), "nothing written");

        ScenarioOptions.requireHeap(1_000_000, 1_000_000, 1_000_000 * ScenarioOptions.HEAP_BYTES_PER_RECORD);
        String refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ScenarioOptions.requireHeap(1_000_001, 1_000_000, 1_000_000 * ScenarioOptions.HEAP_BYTES_PER_RECORD))
                .getMessage();
        assertTrue(refused.startsWith("the scenario would hold 1,000,001 records (1,000,000 of them interactions)"),
                refused);
    }
}
