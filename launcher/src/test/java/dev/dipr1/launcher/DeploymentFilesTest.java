package dev.dipr1.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dipr1.topics.Topic;
import dev.dipr1.topics.TopicCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/** docker/ and infra/ are checked as far as a machine without a Docker engine or a cluster can. */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void everyComposeCommandIsARealDipr1Command() throws IOException {
        Map<String, Object> compose = yaml(ROOT.resolve("docker/compose.yaml")).get(0);
        Map<String, Object> services = map(compose.get("services"));
        int checked = 0;
        for (Map.Entry<String, Object> e : services.entrySet()) {
            Map<String, Object> service = map(e.getValue());
            if (!"dipr1:latest".equals(service.get("image"))) {
                continue;
            }
            List<String> args = strings(service.get("command"));
            parse(e.getKey(), args);
            checked++;
        }
        assertEquals(6, checked, "topics, sft, feeder, generator, rewards, learner");
        Map<String, Object> generator = map(services.get("generator"));
        assertEquals(2, map(generator.get("deploy")).get("replicas"), "two generator replicas");
        assertTrue(map(services.get("kafka")).containsKey("healthcheck"));
    }

    @Test
    void composeFileIsValidForDockerComposeWhenTheClientHasIt() throws Exception {
        List<String> cmd = composeCommand();
        assumeTrue(cmd != null, "no docker compose client on this machine");
        List<String> full = new ArrayList<>(cmd);
        full.addAll(List.of("-f", ROOT.resolve("docker/compose.yaml").toString(), "config", "-q"));
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }

    @Test
    void dockerfileCopiesPathsThatExist() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("docker/Dockerfile"));
        int copies = 0;
        for (String line : lines) {
            String l = line.strip();
            if (!l.startsWith("COPY ")) {
                continue;
            }
            String[] parts = l.split("\\s+");
            if (parts[1].startsWith("--from=")) {
                String source = parts[2];
                assertTrue(source.startsWith("/src/"), source);
                // Built artifacts: the launcher jar name and its lib/ folder come from launcher/pom.xml.
                assertTrue(
                        source.equals("/src/launcher/target/launcher.jar") || source.equals("/src/launcher/target/lib"),
                        "unknown build output " + source);
                continue;
            }
            for (int i = 1; i < parts.length - 1; i++) {
                assertTrue(
                        Files.exists(ROOT.resolve(parts[i])),
                        "Dockerfile copies " + parts[i] + " which does not exist");
                copies++;
            }
        }
        assertTrue(copies >= 10, "the build stage copies the modules");
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        for (String module : pom.split("<module>")) {
            if (module.contains("</module>")) {
                String name = module.substring(0, module.indexOf("</module>"));
                assertTrue(
                        lines.stream().anyMatch(l -> l.strip().equals("COPY " + name + " " + name)),
                        "Dockerfile does not copy module " + name);
            }
        }
        assertTrue(Files.readString(ROOT.resolve("launcher/pom.xml")).contains("<finalName>launcher</finalName>"));
    }

    @Test
    void strimziTopicsMatchTheCatalog() throws IOException {
        Map<String, Map<String, Object>> topics = new java.util.HashMap<>();
        for (Map<String, Object> doc : yaml(ROOT.resolve("infra/base/topics.yaml"))) {
            assertEquals("KafkaTopic", doc.get("kind"));
            topics.put((String) map(doc.get("metadata")).get("name"), map(doc.get("spec")));
        }
        TopicCatalog catalog = TopicCatalog.defaults();
        assertEquals(catalog.all().size(), topics.size());
        for (Topic<?, ?> t : catalog.all()) {
            Map<String, Object> spec = topics.get(t.name());
            assertTrue(spec != null, "no KafkaTopic for " + t.name());
            assertEquals(t.partitions(), spec.get("partitions"), t.name() + " partitions");
            Map<String, Object> config = map(spec.get("config"));
            Map<String, String> expected = t.configs();
            assertEquals(expected.keySet(), config.keySet(), t.name() + " config keys");
            expected.forEach((k, v) -> assertEquals(v, String.valueOf(config.get(k)), t.name() + " " + k));
        }
    }

    @Test
    void kubernetesManifestsParseAndTheirReferencesResolve() throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT.resolve("infra"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                List<Map<String, Object>> parsed = yaml(f);
                assertFalse(parsed.isEmpty(), f + " is empty");
                if (f.getFileName().toString().equals("kustomization.yaml")) {
                    for (Object r : list(parsed.get(0).get("resources"))) {
                        assertTrue(Files.exists(f.getParent().resolve((String) r)), f + " names missing " + r);
                    }
                    for (Object p : list(parsed.get(0).get("patches"))) {
                        assertTrue(Files.exists(f.getParent().resolve((String) map(p).get("path"))), f + " patch");
                    }
                } else if (f.startsWith(ROOT.resolve("infra/base"))) {
                    docs.addAll(parsed);
                }
            }
        }
        Set<String> names = new HashSet<>();
        docs.forEach(d -> names.add(d.get("kind") + "/" + map(d.get("metadata")).get("name")));
        int deployments = 0;
        for (Map<String, Object> d : docs) {
            if ("Deployment".equals(d.get("kind"))) {
                deployments++;
                Map<String, Object> pod =
                        map(map(map(d.get("spec")).get("template")).get("spec"));
                for (Object c : list(pod.get("containers"))) {
                    Map<String, Object> container = map(c);
                    List<String> args = strings(container.get("args")).stream()
                            .map(a -> a.replace("$(DIPR1_BOOTSTRAP_SERVERS)", "kafka:9092"))
                            .toList();
                    parse("Deployment " + map(d.get("metadata")).get("name"), args);
                    for (Object env : list(container.get("envFrom"))) {
                        String cm = (String) map(map(env).get("configMapRef")).get("name");
                        assertTrue(names.contains("ConfigMap/" + cm), "missing ConfigMap " + cm);
                    }
                    assertTrue(map(container.get("resources")).containsKey("requests"), "resource requests");
                    // the kubelet reaches the probes on the pod's IP: the endpoint must bind all addresses
                    assertTrue(String.join(" ", args).contains("--metrics-address 0.0.0.0"), "probe address");
                    assertEquals(
                            "/healthz",
                            map(map(container.get("livenessProbe")).get("httpGet"))
                                    .get("path"));
                    assertEquals(
                            "/readyz",
                            map(map(container.get("readinessProbe")).get("httpGet"))
                                    .get("path"));
                }
                for (Object v : list(pod.get("volumes"))) {
                    Object claim = map(map(v).get("persistentVolumeClaim")).get("claimName");
                    assertTrue(names.contains("PersistentVolumeClaim/" + claim), "missing PVC " + claim);
                }
            }
            if ("HorizontalPodAutoscaler".equals(d.get("kind"))) {
                Map<String, Object> target = map(map(d.get("spec")).get("scaleTargetRef"));
                assertTrue(names.contains(target.get("kind") + "/" + target.get("name")), "HPA target");
            }
        }
        assertEquals(3, deployments, "generator, reward-stream, learner");
        Map<String, Object> learner = docs.stream()
                .filter(d -> "Deployment/learner"
                        .equals(d.get("kind") + "/" + map(d.get("metadata")).get("name")))
                .findFirst()
                .orElseThrow();
        assertEquals(1, map(learner.get("spec")).get("replicas"), "the learner is one process");
    }

    private static void parse(String where, List<String> args) {
        try {
            CommandLine.ParseResult r = Dipr1.commandLine().parseArgs(args.toArray(String[]::new));
            assertTrue(r.hasSubcommand(), where + ": no dipr1 command in " + args);
        } catch (CommandLine.ParameterException e) {
            fail(where + ": '" + String.join(" ", args) + "' is not a valid dipr1 command: " + e.getMessage());
        }
    }

    private static List<String> composeCommand() {
        for (List<String> c : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
            try {
                List<String> v = new ArrayList<>(c);
                v.add("version");
                Process p = new ProcessBuilder(v).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return c;
                }
            } catch (IOException | InterruptedException e) {
                // not installed: try the next one
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> yaml(Path file) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object doc : new Yaml(new LoaderOptions()).loadAll(Files.readString(file))) {
            if (doc != null) {
                out.add((Map<String, Object>) doc);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o == null ? Map.of() : (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o == null ? List.of() : (List<Object>) o;
    }

    private static List<String> strings(Object o) {
        return list(o).stream().map(String::valueOf).toList();
    }
}
