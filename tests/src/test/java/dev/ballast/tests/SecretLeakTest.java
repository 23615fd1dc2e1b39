package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.streams.cli.BallastCli;
import dev.ballast.streams.sim.CandidateSpec;
import dev.ballast.streams.sim.PreferenceSpec;
import dev.ballast.streams.sim.ScenarioFiles;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security settings with dummy secrets in the properties file, some of them through Kafka's file
 * config provider, reach every Kafka client of a replay (Streams, admin, producers, consumers, the
 * model-runner's clients and the job executor: the run succeeds with them), and the secrets
 * appear nowhere: not on stdout or stderr with
 * every Kafka client logging its configuration at INFO and Ballast at DEBUG, not in any output
 * file (summary.json, report.html, the JSONL outputs).
 */
class SecretLeakTest {
    private static final String PASSWORD = "canary-pw-7f3a91";
    private static final String KEY_PASSWORD = "canary-key-5be02c";
    private static final String TRUSTSTORE_PASSWORD = "canary-trust-d41e88";

    @Test
    void dummySecretsReachTheClientsAndAreNeverPrinted(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("in");
        ScenarioFiles.write(new Simulator(ScenarioSpec.defaults(20, 150, 4)
                .withCandidates(new CandidateSpec(60, 0.1, 0.1, 0, 0))
                .withPreferences(new PreferenceSpec(60, 0.3, 0))).generate(), input);
        // PLAINTEXT, as the embedded broker speaks: clients parse the SASL and SSL settings, and
        // the logs print their configuration, but nothing needs a real credential. The protocol
        // and one password come through Kafka's file config provider, as a deployment keeps its
        // secrets out of the properties file: a client that did not resolve the reference would
        // refuse "${file:...}" as a protocol and the run would fail.
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "protocol=PLAINTEXT\ntruststore=" + TRUSTSTORE_PASSWORD + "\n");
        Path properties = dir.resolve("ballast.properties");
        Files.writeString(properties, String.join("\n",
                "streams.config.providers=file",
                "streams.config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider",
                "streams.security.protocol=${file:" + secrets + ":protocol}",
                "streams.sasl.mechanism=SCRAM-SHA-512",
                "streams.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"ballast\" password=\"" + PASSWORD + "\";",
                "streams.ssl.key.password=" + KEY_PASSWORD,
                "streams.ssl.truststore.password=${file:" + secrets + ":truststore}", ""));
        Path out = dir.resolve("out");
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.log.dev.ballast=debug",
                BallastCli.class.getName(), "replay", "--input", input.toString(), "--out", out.toString(),
                "--config", properties.toString()));
        Process replay = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        assertTrue(replay.waitFor(10, TimeUnit.MINUTES), "replay finished");
        assertEquals(0, replay.exitValue(), () -> tail(stderr));

        String logs = Files.readString(stderr);
        assertTrue(logs.contains("sasl.jaas.config = [hidden]"), "clients logged their configuration, with the setting");
        List<Path> checked = new ArrayList<>(List.of(stdout, stderr));
        try (Stream<Path> files = Files.walk(out)) {
            files.filter(Files::isRegularFile).forEach(checked::add);
        }
        assertTrue(checked.stream().anyMatch(p -> p.endsWith("summary.json")));
        assertTrue(checked.stream().anyMatch(p -> p.endsWith("report.html")));
        for (Path file : checked) {
            String text = Files.readString(file);
            for (String secret : List.of(PASSWORD, KEY_PASSWORD, TRUSTSTORE_PASSWORD)) {
                assertFalse(text.contains(secret), secret + " leaked into " + file.getFileName());
            }
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
