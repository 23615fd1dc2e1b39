package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus rules under {@code dashboards/prometheus}: valid for Prometheus's own checker,
 * their unit tests pass ({@code promtool test rules}), and every alert has a runbook entry in the
 * README. CI installs Debian's {@code prometheus} package, which brings promtool; elsewhere the
 * test is skipped, with the reason, when promtool is absent.
 */
class PrometheusRulesTest {
    static final Path RULES_DIR = Path.of(System.getProperty("user.dir")).getParent().resolve("dashboards/prometheus");

    @Test
    void rulesAreValidAndTheirUnitTestsPass() throws Exception {
        require("promtool", "prometheus");
        Result check = promtool("check", "rules", "ballast.rules.yml");
        assertEquals(0, check.exit(), check.output());
        Result test = promtool("test", "rules", "ballast.rules.test.yml");
        assertEquals(0, test.exit(), test.output());
        assertTrue(test.output().contains("SUCCESS"), test.output());
    }

    @Test
    void everyAlertHasARunbookEntry() throws IOException {
        String rules = Files.readString(RULES_DIR.resolve("ballast.rules.yml"));
        String readme = Files.readString(RULES_DIR.getParent().getParent().resolve("README.md"));
        List<String> alerts = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s*- alert: (\\w+)").matcher(rules);
        while (m.find()) {
            alerts.add(m.group(1));
        }
        assertTrue(alerts.size() >= 8, "alerts found: " + alerts);
        for (String alert : alerts) {
            assertTrue(readme.contains("#### " + alert + "\n"), "README runbook entry for " + alert);
        }
    }

    record Result(int exit, String output) {
    }

    /**
     * Fails under CI (where .ci/run installs the Debian package that brings {@code binary}) when
     * {@code binary} is missing; elsewhere skips the test with the reason.
     */
    static void require(String binary, String debianPackage) {
        boolean present;
        try {
            present = new ProcessBuilder(binary, "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            present = false;
        }
        if (!present) {
            if ("true".equals(System.getenv("CI"))) {
                fail(binary + " is missing: .ci/run installs Debian's " + debianPackage + " package, which brings it");
            }
            Assumptions.abort(binary + " not installed (apt-get install " + debianPackage + "); not checked");
        }
    }

    static Result promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(RULES_DIR.toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("promtool " + String.join(" ", args) + " did not finish in 2 minutes");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
