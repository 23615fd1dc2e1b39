package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.metrics.MetricsServer;
import dev.ballast.streams.replay.ReplayInputs;
import dev.ballast.streams.replay.ReplayRunner;
import dev.ballast.streams.sim.Scenario;
import dev.ballast.streams.sim.ScenarioFiles;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operators' view against a real Prometheus (Debian's package): Prometheus on loopback loads
 * the project's rules and scrapes a replay of a simulated scenario through every processor; then
 * every PromQL expression of every dashboard panel and every rule must have returned data during
 * the run, and the tipping alert must have fired. An alert rule's expression is checked without
 * its threshold (the part before the final comparison), since a threshold a healthy run does
 * not cross (lag, dead threads) returns nothing by design. And every metric of Ballast's own that
 * the replay exposes must be read by some dashboard panel.
 */
class OperatorsViewTest {
    private static final Path DASHBOARDS = PrometheusRulesTest.RULES_DIR.getParent();
    private static final Pattern THRESHOLD = Pattern.compile("\\s*(>=|<=|==|!=|>|<)\\s*[0-9.e+]+\\s*$");
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everyMetricHasAPanelEveryPanelAndRuleReturnsDataAndTheTippingAlertFires(@TempDir Path dir) throws Exception {
        PrometheusRulesTest.require("prometheus", "prometheus");
        Map<String, String> expressions = expressions();
        assertTrue(expressions.size() >= 40, "expressions found: " + expressions.size());

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Process prometheus = null;
        try (MetricsServer metrics = MetricsServer.start(registry, 0, "metrics.port")) {
            int port = freePort();
            prometheus = startPrometheus(dir, metrics.port(), port);
            String api = "http://127.0.0.1:" + port;
            await(api + "/-/ready", Duration.ofSeconds(60));

            Scenario scenario = new Simulator(ScenarioSpec.defaults(60, 300, 77)
                    .withGroups(ScenarioSpec.GroupSpec.NONE.withCounts(3, 2))).generate();
            ScenarioFiles.write(scenario, dir.resolve("in"));
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            new ReplayRunner(BallastConfig.defaults(), quiet).jobModels(dir.resolve("models"))
                    .run(ReplayInputs.read(dir.resolve("in")), new BallastMetrics(registry));
            // Recording rules evaluate every 30 s: poll until every expression has had data, or give up.
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            List<String> empty = emptyExpressions(api, expressions);
            while (!empty.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(1_000);
                empty = emptyExpressions(api, expressions);
            }
            assertEquals(List.of(), empty, "expressions that returned no data");
            assertEquals(List.of(), onNoPanel(registry.scrape(), expressions), "Ballast metrics no dashboard panel shows");
            assertTrue(!query(api, "max_over_time(ALERTS{alertname=\"BallastAgentTipping\",alertstate=\"firing\"}[15m])")
                    .isEmpty(), "BallastAgentTipping fired");
        } finally {
            if (prometheus != null) {
                prometheus.destroy();
                prometheus.waitFor();
            }
        }
    }

    /**
     * Ballast's own metric families in a scrape that no dashboard panel's expression reads: the
     * operators' view is to cover every metric. Micrometer's {@code _max} gauge of a timer counts
     * as covered by the timer; the Kafka clients' meters, renamed apart, are left to their panels.
     */
    static List<String> onNoPanel(String scrape, Map<String, String> expressions) {
        String panels = expressions.entrySet().stream().filter(e -> !e.getKey().startsWith("rule "))
                .map(Map.Entry::getValue).collect(Collectors.joining("\n"));
        return scrape.lines().filter(l -> l.startsWith("# TYPE ballast_")).map(l -> l.split(" ")[2])
                .filter(f -> !f.startsWith("ballast_model_kafka_") && !f.startsWith("ballast_realign_kafka_"))
                .map(f -> f.endsWith("_max") ? f.substring(0, f.length() - "_max".length()) : f)
                .map(f -> f.endsWith("_total") ? f.substring(0, f.length() - "_total".length()) : f)
                .filter(f -> !panels.contains(f)).distinct().sorted().toList();
    }

    /** The expressions (by name) that have returned no data in the last 15 minutes. */
    private List<String> emptyExpressions(String api, Map<String, String> expressions)
            throws IOException, InterruptedException {
        List<String> empty = new ArrayList<>();
        for (Map.Entry<String, String> e : expressions.entrySet()) {
            if (query(api, "max_over_time((" + e.getValue() + ")[15m:1s])").isEmpty()) {
                empty.add(e.getKey() + ": " + e.getValue());
            }
        }
        return empty;
    }

    /** Every expression of the dashboards' panels and the rules, named by where it comes from. */
    static Map<String, String> expressions() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> files = Files.list(DASHBOARDS.resolve("grafana/dashboards"))) {
            for (Path f : files.sorted().toList()) {
                for (JsonNode panel : json.readTree(f.toFile()).path("panels")) {
                    for (JsonNode target : panel.path("targets")) {
                        out.put(f.getFileName() + " / " + panel.path("title").asText() + " / "
                                + target.path("refId").asText(), target.path("expr").asText());
                    }
                }
            }
        }
        JsonNode rules = new YAMLMapper().readTree(DASHBOARDS.resolve("prometheus/ballast.rules.yml").toFile());
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.has("alert") ? rule.path("alert").asText() : rule.path("record").asText();
                out.put("rule " + name, THRESHOLD.matcher(rule.path("expr").asText().trim()).replaceFirst(""));
            }
        }
        return out;
    }

    private static Process startPrometheus(Path dir, int scrapePort, int port) throws IOException {
        // The project's rule groups evaluate every 30 s; the monitor's lag gauge exists only while
        // the replay runs, which can end between two evaluations. Evaluate as often as scraping.
        YAMLMapper yaml = new YAMLMapper();
        JsonNode rules = yaml.readTree(DASHBOARDS.resolve("prometheus/ballast.rules.yml").toFile());
        rules.path("groups").forEach(group -> ((ObjectNode) group).put("interval", "1s"));
        Path rulesCopy = dir.resolve("ballast.rules.yml");
        yaml.writeValue(rulesCopy.toFile(), rules);
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n",
                "global: {scrape_interval: 1s, evaluation_interval: 1s}",
                "rule_files: ['" + rulesCopy.toAbsolutePath() + "']",
                "scrape_configs:",
                "  - job_name: ballast",
                "    static_configs: [{targets: ['127.0.0.1:" + scrapePort + "']}]", ""));
        return new ProcessBuilder("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    }

    private List<JsonNode> query(String api, String promql) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = new ObjectMapper().readTree(r.body());
        if (!"success".equals(body.path("status").asText())) {
            fail(promql + ": " + r.body());
        }
        List<JsonNode> out = new ArrayList<>();
        body.path("data").path("result").forEach(out::add);
        return out;
    }

    private void await(String url, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Still starting.
            }
            Thread.sleep(200);
        }
        fail(url + " not ready within " + timeout.toSeconds() + " s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
