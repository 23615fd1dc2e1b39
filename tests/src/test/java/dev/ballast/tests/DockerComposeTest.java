package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;

/**
 * docker/compose.yaml and its Dockerfile, checked statically (there is no Docker engine here):
 * the services are there, Kafka runs in KRaft mode, every file a service mounts or builds from
 * exists, and every host and port one service names for another (bootstrap servers, scrape
 * targets, the Grafana data source, the dashboards folder) is one that other service offers.
 */
class DockerComposeTest {
    private static final Path ROOT = PrometheusRulesTest.RULES_DIR.getParent().getParent();
    private static final Path DOCKER = ROOT.resolve("docker");
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void composeWiresKafkaBallastPrometheusAndGrafanaTogether() throws IOException {
        JsonNode services = YAML.readTree(DOCKER.resolve("compose.yaml").toFile()).path("services");
        Set<String> names = new TreeSet<>();
        services.fieldNames().forEachRemaining(names::add);
        assertEquals(Set.of("kafka", "ballast-monitor", "ballast-model-runner", "prometheus", "grafana"), names);

        JsonNode kafka = services.path("kafka");
        // The broker a user starts should be the release Ballast's clients and embedded tests were built against.
        assertEquals("apache/kafka:" + AppInfoParser.getVersion(), kafka.path("image").asText(),
                "the official Apache Kafka image of the clients' release");
        assertTrue(kafka.path("environment").path("KAFKA_PROCESS_ROLES").asText().contains("controller"), "KRaft");
        Set<String> kafkaAddresses = new TreeSet<>();
        for (String l : kafka.path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText().split(",")) {
            kafkaAddresses.add(l.substring(l.indexOf("//") + 2));
        }

        Map<String, Integer> metricsPorts = new HashMap<>();
        for (String ballast : List.of("ballast-monitor", "ballast-model-runner")) {
            JsonNode env = services.path(ballast).path("environment");
            assertTrue(kafkaAddresses.contains(env.path("BALLAST_BOOTSTRAP_SERVERS").asText()),
                    ballast + " reaches a listener Kafka advertises: " + kafkaAddresses);
            String portKey = ballast.equals("ballast-monitor") ? "BALLAST_METRICS_PORT" : "BALLAST_MODEL_METRICS_PORT";
            metricsPorts.put(ballast, Integer.parseInt(env.path(portKey).asText()));
            assertEquals("ballast:latest", services.path(ballast).path("image").asText(), "one image for both");
        }
        JsonNode build = services.path("ballast-monitor").path("build");
        Path context = DOCKER.resolve(build.path("context").asText()).normalize();
        assertEquals(ROOT.normalize(), context, "built from the repository root");
        Path dockerfile = context.resolve(build.path("dockerfile").asText());
        assertTrue(Files.isRegularFile(dockerfile), dockerfile.toString());
        checkDockerfile(dockerfile, context);

        Map<String, String> mounts = new HashMap<>();
        for (String service : names) {
            for (JsonNode volume : services.path(service).path("volumes")) {
                String[] parts = volume.asText().split(":");
                if (parts[0].startsWith(".")) {
                    Path source = DOCKER.resolve(parts[0]).normalize();
                    assertTrue(Files.exists(source), service + " mounts a file that exists: " + source);
                    mounts.put(service + parts[1], parts[0]);
                }
            }
        }

        JsonNode prometheus = YAML.readTree(DOCKER.resolve("prometheus.yml").toFile());
        for (JsonNode rules : prometheus.path("rule_files")) {
            assertTrue(mounts.containsKey("prometheus" + rules.asText()), "rule file is mounted: " + rules.asText());
        }
        assertTrue(mounts.containsKey("prometheus/etc/prometheus/prometheus.yml"), "config is mounted");
        Set<String> scraped = new TreeSet<>();
        for (JsonNode job : prometheus.path("scrape_configs")) {
            for (JsonNode target : job.path("static_configs").get(0).path("targets")) {
                String[] hostPort = target.asText().split(":");
                assertEquals(metricsPorts.get(hostPort[0]), Integer.valueOf(hostPort[1]),
                        "scrape target is a Ballast service on its metrics port: " + target.asText());
                scraped.add(hostPort[0]);
            }
        }
        assertEquals(metricsPorts.keySet(), scraped, "both Ballast services are scraped");

        Path grafana = ROOT.resolve("dashboards/grafana");
        String datasourceUrl = YAML.readTree(grafana.resolve("provisioning/datasources/prometheus.yml").toFile())
                .path("datasources").get(0).path("url").asText();
        assertEquals("http://prometheus:9090", datasourceUrl, "Grafana's data source is the prometheus service");
        assertTrue(services.path("prometheus").path("ports").get(0).asText().endsWith(":9090"));
        String dashboardsPath = YAML.readTree(grafana.resolve("provisioning/dashboards/ballast.yml").toFile())
                .path("providers").get(0).path("options").path("path").asText();
        assertEquals("../dashboards/grafana/dashboards", mounts.get("grafana" + dashboardsPath),
                "the dashboards folder is mounted where the provider reads");
        for (String dir : List.of("datasources", "dashboards", "alerting")) {
            assertTrue(mounts.containsKey("grafana/etc/grafana/provisioning/" + dir), "provisioning/" + dir + " mounted");
        }
    }

    /** Every COPY source (outside the build stage's own paths) exists in the build context. */
    private static void checkDockerfile(Path dockerfile, Path context) throws IOException {
        List<String> sources = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^COPY (?!--from)(\\S+) ").matcher(Files.readString(dockerfile));
        while (m.find()) {
            sources.add(m.group(1));
        }
        assertTrue(sources.size() >= 4, "copies the modules: " + sources);
        for (String source : sources) {
            assertTrue(Files.exists(context.resolve(source)), "COPY source exists: " + source);
        }
        String text = Files.readString(dockerfile);
        assertTrue(text.contains("/src/streams/target/ballast.jar") && text.contains("/src/streams/target/lib"),
                "the runtime stage takes the jar and its lib/ as the build writes them");
        Matcher entry = Pattern.compile("(?m)^ENTRYPOINT \\[\"java\", \"-cp\", \"([^\"]+)\", \"([^\"]+)\"\\]$").matcher(text);
        assertTrue(entry.find(), "the entry point names its classpath and main class (java -jar ignores plugins)");
        assertEquals("/opt/ballast/ballast.jar:/opt/ballast/plugins/*", entry.group(1));
        assertMainClass(entry.group(2));
    }

    /**
     * The launcher runs each jar by its main class with BALLAST_CLASSPATH after it, since
     * {@code java -jar} would ignore the jars a user adds (a {@code model.class} of their own).
     */
    @Test
    void theLauncherNamesMainClassesThatExistAndAddsTheUsersJars() throws IOException {
        String launcher = Files.readString(ROOT.resolve("ballast"));
        Matcher m = Pattern.compile("(?m)^\\s*main_class=\"([^\"]+)\"$").matcher(launcher);
        List<String> classes = new ArrayList<>();
        while (m.find()) {
            classes.add(m.group(1));
        }
        assertEquals(List.of("dev.ballast.streams.cli.BallastCli", "dev.ballast.evaluation.EvaluateCommand"), classes);
        classes.forEach(DockerComposeTest::assertMainClass);
        assertTrue(launcher.contains("-cp \"$main_jar${BALLAST_CLASSPATH:+:$BALLAST_CLASSPATH}\" \"$main_class\""),
                "the user's jars follow Ballast's own on the classpath");
    }

    private static void assertMainClass(String name) {
        try {
            Class.forName(name, false, DockerComposeTest.class.getClassLoader()).getMethod("main", String[].class);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("no main class " + name, e);
        }
    }
}
