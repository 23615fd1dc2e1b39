package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Grafana's files, checked structurally (there is no Grafana to load them into here): dashboards
 * that Grafana's file provider accepts and that query the provisioned data source, and unified
 * alerting whose queries are exactly the Prometheus alerts' expressions, whose conditions name a
 * query, and whose notification policy names a contact point that exists.
 */
class GrafanaProvisioningTest {
    private static final Path GRAFANA = PrometheusRulesTest.RULES_DIR.getParent().resolve("grafana");
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void dashboardsAreWellFormedAndQueryTheProvisionedDataSource() throws IOException {
        JsonNode datasources = YAML.readTree(GRAFANA.resolve("provisioning/datasources/prometheus.yml").toFile());
        String uid = datasources.path("datasources").get(0).path("uid").asText();
        assertEquals("prometheus", datasources.path("datasources").get(0).path("type").asText());
        JsonNode provider = YAML.readTree(GRAFANA.resolve("provisioning/dashboards/ballast.yml").toFile())
                .path("providers").get(0);
        assertEquals("file", provider.path("type").asText());
        assertFalse(provider.path("options").path("path").asText().isBlank());

        Set<String> uids = new HashSet<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(GRAFANA.resolve("dashboards"))) {
            files = list.sorted().toList();
        }
        assertEquals(5, files.size(), "overview, agents, gate, re-alignment, pipeline: " + files);
        for (Path f : files) {
            JsonNode d = new ObjectMapper().readTree(f.toFile());
            String name = f.getFileName().toString();
            assertTrue(uids.add(d.path("uid").asText()), "unique uid: " + name);
            assertFalse(d.path("title").asText().isBlank(), name);
            JsonNode variable = d.path("templating").path("list").get(0);
            assertEquals("datasource", variable.path("type").asText(), name);
            assertEquals("prometheus", variable.path("query").asText(), name);
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : d.path("panels")) {
                String where = name + " / " + panel.path("title").asText();
                assertTrue(ids.add(panel.path("id").asInt()), "unique panel id: " + where);
                JsonNode grid = panel.path("gridPos");
                assertTrue(grid.path("x").asInt() + grid.path("w").asInt() <= 24 && grid.path("h").asInt() > 0,
                        "fits the 24-column grid: " + where);
                assertTrue(panel.path("targets").size() > 0, "has a query: " + where);
                for (JsonNode target : panel.path("targets")) {
                    assertFalse(target.path("expr").asText().isBlank(), where);
                    assertEquals("${datasource}", target.path("datasource").path("uid").asText(), where);
                }
            }
        }
        assertEquals("prometheus", uid, "alert rules and the dashboards' default name this data source");
    }

    @Test
    void alertRulesMirrorThePrometheusAlertsAndReachAContactPoint() throws IOException {
        Map<String, String> prometheus = new HashMap<>();
        for (JsonNode group : YAML.readTree(PrometheusRulesTest.RULES_DIR.resolve("ballast.rules.yml").toFile())
                .path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    prometheus.put(rule.path("alert").asText(), rule.path("expr").asText().trim());
                }
            }
        }
        JsonNode alerting = YAML.readTree(GRAFANA.resolve("provisioning/alerting/ballast-alerts.yml").toFile());
        assertEquals(1, alerting.path("apiVersion").asInt());
        Set<String> covered = new HashSet<>();
        Set<String> uids = new HashSet<>();
        for (JsonNode rule : alerting.path("groups").get(0).path("rules")) {
            String title = rule.path("title").asText();
            assertTrue(uids.add(rule.path("uid").asText()), "unique uid: " + title);
            Map<String, JsonNode> byRef = new HashMap<>();
            rule.path("data").forEach(q -> byRef.put(q.path("refId").asText(), q));
            JsonNode condition = byRef.get(rule.path("condition").asText());
            assertTrue(condition != null, "condition names a query: " + title);
            JsonNode query = byRef.get(condition.path("model").path("expression").asText());
            assertEquals("prometheus", query.path("datasourceUid").asText(), title);
            String alert = rule.path("labels").path("prometheus_alert").asText();
            String expected = prometheus.get(alert);
            assertTrue(expected != null, title + " mirrors a Prometheus alert: " + alert);
            JsonNode evaluator = condition.path("model").path("conditions").get(0).path("evaluator");
            String op = switch (evaluator.path("type").asText()) {
                case "gt" -> ">";
                case "lt" -> "<";
                default -> "?";
            };
            String threshold = evaluator.path("params").get(0).asText();
            assertEquals(expected, query.path("model").path("expr").asText() + " " + op + " " + threshold,
                    "same expression and threshold as " + alert);
            covered.add(alert);
        }
        assertEquals(Set.of("BallastAgentTipping", "BallastDiffusion", "BallastQuarantineSurge",
                "BallastDeadLetterGrowth", "BallastPolicyRejected", "BallastRealignJobFailed", "BallastClusterUnreachable"),
                covered);
        Set<String> contactPoints = new HashSet<>();
        alerting.path("contactPoints").forEach(c -> contactPoints.add(c.path("name").asText()));
        for (JsonNode policy : alerting.path("policies")) {
            assertTrue(contactPoints.contains(policy.path("receiver").asText()), "policy's receiver exists");
            policy.path("routes").forEach(r -> assertTrue(contactPoints.contains(r.path("receiver").asText())));
        }
    }
}
