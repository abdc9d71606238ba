package dev.meshdns.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.gson.Gson;
import dev.meshdns.catalog.Catalog;
import dev.meshdns.catalog.CatalogFile;
import dev.meshdns.config.Durations;
import dev.meshdns.config.InvalidConfigException;
import dev.meshdns.config.ServerConfig;
import dev.meshdns.config.StoreKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * No Docker engine or Kubernetes cluster runs in the build, so this reads what {@code docker/}
 * ships (the Dockerfile, its entrypoint, compose.yaml and every manifest of docker/kubernetes/) and
 * checks it against the code: every flag a command line passes exists in the picocli model of
 * {@code mesh-dns serve} or {@code mesh-dns control-plane} and its values make a valid
 * {@link ServerConfig}; every {@code MESHDNS_*} variable and every key of the shipped config file
 * names a serve flag; the catalogs parse without problems; probes, ports, the Service, the CoreDNS
 * stanza and the grace period fit what the flags configure.
 */
class DockerFilesTest {
    private static final Path ROOT = repositoryRoot();
    private static final Path DOCKER = ROOT.resolve("docker");
    private static final Path KUBERNETES = DOCKER.resolve("kubernetes");
    private static final String BUILD_COMMAND = "mvn -B -q -DskipTests -pl dns-server -am package";
    private static final String DATA_VOLUME = "/var/lib/mesh-dns";
    /** Issue 11: SIGTERM keeps answering this long unless {@code --lameduck} says otherwise. */
    private static final Duration DEFAULT_LAMEDUCK = Duration.ofSeconds(5);
    private static final Pattern K8S_VAR = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    // ---- Dockerfile ---------------------------------------------------------------------------

    @Test
    void dockerfileBuildsWithMavenAndJdk17AndRunsTheJarOnAJre17AsNumericNonRoot() throws IOException {
        List<List<Instruction>> stages = dockerfileStages();

        assertThat(stages).as("multi-stage: a build stage and a runtime stage").hasSizeGreaterThanOrEqualTo(2);
        List<Instruction> build = stages.get(0);
        assertThat(build.get(0).arguments()).as("build stage image").contains("maven").contains("17");
        assertThat(build).filteredOn(i -> i.keyword().equals("RUN")).extracting(Instruction::arguments)
                .anySatisfy(run -> assertThat(run).contains(BUILD_COMMAND));

        List<Instruction> runtime = stages.get(stages.size() - 1);
        assertThat(runtime.get(0).arguments()).as("runtime image").matches("eclipse-temurin:17-jre\\S*");
        List<String> users = runtime.stream().filter(i -> i.keyword().equals("USER")).map(Instruction::arguments)
                .toList();
        assertThat(users).as("USER of the runtime stage").isNotEmpty();
        assertThat(users.get(users.size() - 1)).as("numeric non-root user").matches("65532(:65532)?");
        // Only the jar (from the build stage) and the entrypoint go into the image.
        assertThat(runtime).filteredOn(i -> i.keyword().equals("COPY") || i.keyword().equals("ADD"))
                .extracting(Instruction::arguments)
                .allSatisfy(copy -> assertThat(copy).satisfiesAnyOf(
                        c -> assertThat(c).contains("--from=build /src/dns-server/target/mesh-dns.jar "),
                        c -> assertThat(c).endsWith("docker/entrypoint.sh /opt/mesh-dns/entrypoint.sh")))
                .hasSize(2);
        // Port 53 comes from the Service or the sysctl, never from file capabilities on java.
        assertThat(stages).allSatisfy(stage -> assertThat(stage).extracting(Instruction::arguments)
                .allSatisfy(arguments -> assertThat(arguments).doesNotContainIgnoringCase("setcap")));
        assertThat(Files.readAllLines(DOCKER.resolve("entrypoint.sh"))).filteredOn(l -> !l.trim().startsWith("#"))
                .allSatisfy(line -> assertThat(line).doesNotContainIgnoringCase("setcap"));
        assertThat(volumes(runtime)).contains(DATA_VOLUME);
    }

    @Test
    void entrypointRunsTheJarWithTheLaunchersJvmDefaultsOverridableWithJavaOpts() throws IOException {
        String defaults = launcherJvmDefaults();
        assertThat(defaults).isEqualTo("-XX:+UseSerialGC -Xms32m -Xmn16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:-ShrinkHeapInSteps -XX:MarkSweepDeadRatio=0");
        String entrypoint = Files.readString(DOCKER.resolve("entrypoint.sh"));

        assertThat(entrypoint).startsWith("#!/bin/sh\n")
                .contains("exec java " + NATIVE_OPTS + " ${JAVA_OPTS:-" + defaults + "}")
                .contains("-jar /opt/mesh-dns/mesh-dns.jar \"$@\"");
        assertThat(Files.isExecutable(DOCKER.resolve("entrypoint.sh"))).isTrue();
        List<Instruction> runtime = dockerfileStages().get(dockerfileStages().size() - 1);
        assertThat(jsonArray(last(runtime, "ENTRYPOINT"))).containsExactly("/opt/mesh-dns/entrypoint.sh");
    }

    @Test
    void dockerfileDefaultCommandServesOnAllAddressesWithExistingFlagsAndExposesItsPorts() throws IOException {
        List<Instruction> runtime = dockerfileStages().get(dockerfileStages().size() - 1);
        List<String> command = jsonArray(last(runtime, "CMD"));

        ServerConfig config = serveConfig(command, Map.of());

        assertThat(config.dnsListen().getHostString()).isEqualTo("0.0.0.0");
        assertThat(config.adminListen().getHostString()).isEqualTo("0.0.0.0");
        assertThat(config.grpcListen().getHostString()).isEqualTo("0.0.0.0");
        assertThat(config.dataDir()).isEqualTo(Path.of(DATA_VOLUME));
        Set<String> exposed = runtime.stream().filter(i -> i.keyword().equals("EXPOSE"))
                .flatMap(i -> Stream.of(i.arguments().split("\\s+"))).collect(Collectors.toSet());
        int dns = config.dnsListen().getPort();
        assertThat(dns).as("an unprivileged DNS port in the container").isGreaterThan(1023);
        assertThat(exposed).contains(dns + "/udp", dns + "/tcp", config.adminListen().getPort() + "/tcp",
                config.grpcListen().getPort() + "/tcp");
    }

    // ---- flags, environment, config keys everywhere -------------------------------------------

    @Test
    void everyMeshDnsCommandLineUsesOnlyExistingFlagsOfItsSubcommand() throws IOException {
        Map<String, List<String>> commandLines = new LinkedHashMap<>();
        List<Instruction> runtime = dockerfileStages().get(dockerfileStages().size() - 1);
        commandLines.put("Dockerfile CMD", jsonArray(last(runtime, "CMD")));
        composeMeshDnsServices().forEach((name, service) -> commandLines.put("compose " + name, command(service)));
        meshDnsContainers().forEach((name, container) -> commandLines.put(name, containerArgs(container)));

        assertThat(commandLines).hasSizeGreaterThanOrEqualTo(5);
        List<String> problems = new ArrayList<>();
        commandLines.forEach((where, args) -> problems.addAll(flagProblems(where, args)));
        assertThat(problems).isEmpty();
        assertThat(commandLines.values()).extracting(args -> args.get(0)).contains("serve", "control-plane");
    }

    @Test
    void everyMeshdnsEnvironmentVariableNamesAServeFlag() throws IOException {
        Map<String, Set<String>> variables = new LinkedHashMap<>();
        composeMeshDnsServices().forEach((name, service) ->
                variables.put("compose " + name, composeEnvironment(service).keySet()));
        meshDnsContainers().forEach((name, container) ->
                variables.put(name, containerEnvironment(container).keySet()));
        List<Instruction> runtime = dockerfileStages().get(dockerfileStages().size() - 1);
        variables.put("Dockerfile ENV", runtime.stream().filter(i -> i.keyword().equals("ENV"))
                .map(i -> i.arguments().split("[=\\s]", 2)[0]).collect(Collectors.toSet()));

        Set<String> serveFlags = flagNames(serveSpec());
        List<String> problems = new ArrayList<>();
        variables.forEach((where, names) -> names.stream().filter(n -> n.startsWith("MESHDNS_")).forEach(name -> {
            String flag = name.substring("MESHDNS_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
            if (!serveFlags.contains(flag)) {
                problems.add(where + ": " + name + " names no serve flag (--" + flag + ")");
            }
        }));
        assertThat(problems).isEmpty();
        // JAVA_OPTS replaces the launcher's defaults: one that is set keeps them.
        String defaults = launcherJvmDefaults();
        meshDnsContainers().forEach((name, container) -> {
            String javaOpts = containerEnvironment(container).get("JAVA_OPTS");
            if (javaOpts != null) {
                assertThat(javaOpts).as(name + " JAVA_OPTS").startsWith(defaults);
            }
        });
    }

    @Test
    void shippedConfigFileHasOnlyServeFlagKeysAndAgreesWithTheDeploymentFlags() throws IOException {
        Map<String, Object> config = shippedConfig();
        Set<String> serveFlags = flagNames(serveSpec());

        assertThat(config).isNotEmpty();
        assertThat(config.keySet()).allSatisfy(key -> assertThat(serveFlags).as("serve flags").contains(key));
        Map<String, String> args = flagValues(containerArgs(meshDnsContainer()));
        config.forEach((key, value) ->
                assertThat(args.get(key)).as("deployment --" + key + " vs config.yaml").isEqualTo(String.valueOf(value)));
        // The Deployment sets nothing the config file leaves out, except the secret's URL.
        assertThat(args.keySet()).containsExactlyInAnyOrderElementsOf(
                Stream.concat(config.keySet().stream(), Stream.of("postgres-url")).toList());
    }

    @Test
    void shippedConfigPassesCheckConfig(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, (String) configMapData().get("config.yaml"));
        Path catalog = dir.resolve("catalog.yaml");
        Files.writeString(catalog, (String) configMapData().get("catalog.yaml"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));

        // The paths of the pod do not exist here: flags override the file's catalog and data dir.
        int code = commandLine.execute("serve", "--config=" + config, "--check-config",
                "--catalog-file=" + catalog, "--data-dir=" + dir.resolve("data"),
                "--postgres-url=" + secretValue("mesh-dns-postgres", "postgres-url"));

        assertThat(code).as("exit code; out: " + out + " err: " + err).isZero();
    }

    // ---- catalogs -----------------------------------------------------------------------------

    @Test
    void shippedCatalogsParseWithoutProblems() throws Exception {
        Catalog configMap = CatalogFile.parse((String) configMapData().get("catalog.yaml"));
        assertThat(configMap.problems()).isEmpty();
        assertThat(configMap.entries()).extracting(e -> e.service())
                .contains("backend", "frontend_kong_svc_80", "httpbin");

        Map<String, Object> controlPlane = composeServices().get("control-plane");
        String catalogFlag = flagValues(command(controlPlane)).get("catalog-file");
        Path mounted = composeVolumeSource(controlPlane, catalogFlag);
        Catalog compose = CatalogFile.read(mounted);
        assertThat(compose.problems()).isEmpty();
        assertThat(compose.entries()).isNotEmpty();
    }

    // ---- compose ------------------------------------------------------------------------------

    @Test
    void composeRunsTheControlPlaneAndTwoReplicasOnPostgresAndAClientThatDigsBoth() throws Exception {
        Map<String, Map<String, Object>> services = composeServices();
        Map<String, Object> controlPlane = services.get("control-plane");
        Map<String, String> planeFlags = flagValues(command(controlPlane));
        assertThat(command(controlPlane).get(0)).isEqualTo("control-plane");
        assertThat(planeFlags.get("listen")).isEqualTo("0.0.0.0:18000");
        assertHardenedComposeService("control-plane", controlPlane);

        Map<String, Object> postgres = services.get("postgres");
        assertThat((String) postgres.get("image")).startsWith("postgres:");
        Map<String, String> postgresEnv = composeEnvironment(postgres);
        assertThat(postgresEnv).containsKeys("POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB");
        assertThat(map(postgres.get("healthcheck"))).containsKey("test");

        Map<String, Map<String, Object>> replicas = new LinkedHashMap<>();
        composeMeshDnsServices().forEach((name, service) -> {
            if (command(service).get(0).equals("serve")) {
                replicas.put(name, service);
            }
        });
        assertThat(replicas).hasSize(2);
        Set<String> nodeIds = new TreeSet<>();
        Set<String> dataVolumes = new TreeSet<>();
        Set<Integer> dnsPorts = new TreeSet<>();
        for (Map.Entry<String, Map<String, Object>> replica : replicas.entrySet()) {
            String name = replica.getKey();
            Map<String, Object> service = replica.getValue();
            Map<String, String> flags = flagValues(command(service));
            ServerConfig config = serveConfig(command(service), Map.of());
            assertThat(config.store()).isEqualTo(StoreKind.POSTGRES);
            URI url = URI.create(config.postgresUrl().substring("jdbc:".length()));
            assertThat(url.getHost()).as(name + " database host").isEqualTo("postgres");
            assertThat(url.getPath()).isEqualTo("/" + postgresEnv.get("POSTGRES_DB"));
            assertThat(query(url)).containsEntry("user", postgresEnv.get("POSTGRES_USER"))
                    .containsEntry("password", postgresEnv.get("POSTGRES_PASSWORD"));
            assertThat(config.controlPlane().target())
                    .isEqualTo("control-plane:" + port(planeFlags.get("listen")));
            assertThat(config.dnsListen().getHostString()).isEqualTo("0.0.0.0");
            assertThat(config.adminListen().getHostString()).isEqualTo("0.0.0.0");
            assertThat(config.grpcListen().getHostString()).isEqualTo("0.0.0.0");
            assertThat(map(map(service.get("depends_on")).get("postgres"))).containsEntry("condition", "service_healthy");
            assertThat(map(service.get("depends_on"))).containsKey("control-plane");
            assertHardenedComposeService(name, service);
            dataVolumes.add(composeVolumeSourceName(service, flags.get("data-dir")));
            nodeIds.add(flags.get("node-id"));
            dnsPorts.add(config.dnsListen().getPort());
        }
        assertThat(nodeIds).as("node ids").hasSize(2);
        assertThat(dataVolumes).as("one data volume each").hasSize(2);
        assertThat(dnsPorts).as("same DNS port in both containers").hasSize(1);

        Map<String, Object> client = services.get("client");
        Map<String, String> clientEnv = composeEnvironment(client);
        assertThat(clientEnv.get("REPLICAS").split("\\s+")).containsExactlyInAnyOrderElementsOf(replicas.keySet());
        assertThat(clientEnv.get("DNS_PORT")).isEqualTo(String.valueOf(dnsPorts.iterator().next()));
        assertThat(String.join("\n", command(client))).contains("bind-tools", "dig @\"$$replica\" -p \"$$DNS_PORT\"");
        assertThat((String) client.get("image")).startsWith("alpine:");
    }

    // ---- Kubernetes ---------------------------------------------------------------------------

    @Test
    void deploymentProbesAskReadyAndHealthOnTheAdminPortTheFlagsConfigure() throws IOException {
        Map<String, Object> container = meshDnsContainer();
        ServerConfig config = deploymentServeConfig();
        int admin = config.adminListen().getPort();
        assertThat(config.adminListen().getHostString()).isEqualTo("0.0.0.0");

        Map<String, Object> readiness = map(map(container.get("readinessProbe")).get("httpGet"));
        Map<String, Object> liveness = map(map(container.get("livenessProbe")).get("httpGet"));
        assertThat(readiness.get("path")).isEqualTo("/ready");
        assertThat(liveness.get("path")).isEqualTo("/health");
        assertThat(containerPort(container, readiness.get("port"), "TCP")).isEqualTo(admin);
        assertThat(containerPort(container, liveness.get("port"), "TCP")).isEqualTo(admin);
    }

    @Test
    void deploymentRunsTwoHardenedSpreadReplicasWithWritableDataAndTmp() throws IOException {
        Map<String, Object> deployment = manifest("Deployment", "mesh-dns");
        Map<String, Object> spec = map(deployment.get("spec"));
        Map<String, Object> pod = map(map(spec.get("template")).get("spec"));
        Map<String, Object> container = meshDnsContainer();

        assertThat(spec.get("replicas")).isEqualTo(2);
        assertThat(map(pod.get("securityContext"))).containsEntry("runAsNonRoot", true)
                .containsEntry("runAsUser", 65532);
        Map<String, Object> security = map(container.get("securityContext"));
        assertThat(security).containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("allowPrivilegeEscalation", false);
        assertThat(list(map(security.get("capabilities")).get("drop"))).containsExactly("ALL");
        assertThat(map(map(container.get("resources")).get("requests"))).containsKeys("cpu", "memory");
        assertThat(map(map(container.get("resources")).get("limits"))).containsKey("memory");
        Map<String, Object> antiAffinity = map(map(pod.get("affinity")).get("podAntiAffinity"));
        assertThat(antiAffinity).isNotEmpty();
        assertThat(antiAffinity.toString()).contains("kubernetes.io/hostname");
        assertThat(pod.get("enableServiceLinks"))
                .as("no Service env vars: a Service named meshdns would inject MESHDNS_* variables")
                .isEqualTo(false);
        // With a read-only root filesystem the data dir and /tmp are volumes.
        Set<String> mounts = list(container.get("volumeMounts")).stream().map(m -> (String) map(m).get("mountPath"))
                .collect(Collectors.toSet());
        assertThat(mounts).contains(deploymentServeConfig().dataDir().toString(), "/tmp");
        // The catalog file is a key of the mounted ConfigMap.
        Path catalog = deploymentServeConfig().catalogFile();
        Map<String, Object> configMount = list(container.get("volumeMounts")).stream().map(DockerFilesTest::map)
                .filter(m -> catalog.startsWith((String) m.get("mountPath"))).findFirst().orElseThrow();
        Map<String, Object> volume = list(pod.get("volumes")).stream().map(DockerFilesTest::map)
                .filter(v -> v.get("name").equals(configMount.get("name"))).findFirst().orElseThrow();
        assertThat(map(volume.get("configMap")).get("name")).isEqualTo("mesh-dns");
        assertThat(configMapData()).containsKey(catalog.getFileName().toString());
    }

    @Test
    void deploymentTakesThePostgresUrlFromTheSecretAndItsFlagsMakeAValidConfig() throws IOException {
        Map<String, Object> container = meshDnsContainer();
        List<String> args = containerArgs(container);
        assertThat(args).contains("--postgres-url=$(POSTGRES_URL)");
        Map<String, Object> url = list(container.get("env")).stream().map(DockerFilesTest::map)
                .filter(e -> e.get("name").equals("POSTGRES_URL")).findFirst().orElseThrow();
        Map<String, Object> ref = map(map(url.get("valueFrom")).get("secretKeyRef"));
        assertThat(secretValue((String) ref.get("name"), (String) ref.get("key"))).startsWith("jdbc:postgresql://");
        assertThat(args).noneMatch(arg -> arg.contains("password="));

        ServerConfig config = deploymentServeConfig();
        assertThat(config.store()).isEqualTo(StoreKind.POSTGRES);
        assertThat(config.dnsListen().getHostString()).isEqualTo("0.0.0.0");
        assertThat(config.grpcListen().getHostString()).isEqualTo("0.0.0.0");
    }

    @Test
    void serviceSendsPort53UdpAndTcpToTheContainersDnsPortAndExposesMetricsAndGrpc() throws IOException {
        Map<String, Object> container = meshDnsContainer();
        ServerConfig config = deploymentServeConfig();
        Map<String, Object> service = manifest("Service", "mesh-dns");
        Map<String, Object> spec = map(service.get("spec"));
        Map<String, Map<String, Object>> ports = new LinkedHashMap<>();
        list(spec.get("ports")).forEach(p -> ports.put((String) map(p).get("name"), map(p)));

        assertThat(ports).containsKeys("dns", "dns-tcp", "metrics", "grpc");
        assertServicePort(ports.get("dns"), 53, "UDP", container, config.dnsListen().getPort());
        assertServicePort(ports.get("dns-tcp"), 53, "TCP", container, config.dnsListen().getPort());
        assertServicePort(ports.get("metrics"), 9153, "TCP", container, config.adminListen().getPort());
        assertServicePort(ports.get("grpc"), 5678, "TCP", container, config.grpcListen().getPort());
        Map<String, Object> podLabels = map(map(map(map(manifest("Deployment", "mesh-dns").get("spec"))
                .get("template")).get("metadata")).get("labels"));
        assertThat(podLabels).containsAllEntriesOf(map(spec.get("selector")));
        Map<String, Object> pdb = map(manifest("PodDisruptionBudget", "mesh-dns").get("spec"));
        assertThat(podLabels).containsAllEntriesOf(map(map(pdb.get("selector")).get("matchLabels")));
        assertThat(pdb).containsKey("minAvailable");
    }

    @Test
    void coreDnsForwardsTheZoneAndEveryReverseZoneOfThePoolToTheService() throws IOException {
        ServerConfig config = deploymentServeConfig();
        String vipCidr = flagValues(containerArgs(meshDnsContainer())).get("vip-cidr");
        assertThat(vipCidr).isEqualTo(serveSpec().findOption("--vip-cidr").defaultValue());
        Map<String, Object> service = manifest("Service", "mesh-dns");
        String serviceIp = (String) map(service.get("spec")).get("clusterIP");
        Map<String, Object> coredns = manifest("ConfigMap", "coredns-custom");
        String corefile = (String) map(coredns.get("data")).get("mesh.server");

        Set<String> expected = new TreeSet<>(reverseZones(vipCidr));
        assertThat(expected).hasSize(16).contains("240.in-addr.arpa", "255.in-addr.arpa");
        expected.add(config.zone());
        Matcher block = Pattern.compile("([^{}]+)\\{([^{}]*)}").matcher(corefile);
        Set<String> forwarded = new TreeSet<>();
        while (block.find()) {
            List<String> body = block.group(2).lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
            if (body.contains("forward . " + serviceIp)) {
                assertThat(body).contains("errors", "cache 30");
                for (String key : block.group(1).trim().split("[\\s,]+")) {
                    assertThat(key).as("server block key").endsWith(":53");
                    forwarded.add(key.substring(0, key.length() - ":53".length()).replaceAll("\\.$", ""));
                }
            }
        }
        assertThat(forwarded).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(corefile).startsWith("mesh:53 ");
        assertThat(map(service.get("spec")).get("ports").toString()).contains("port=53");
    }

    @Test
    void terminationGracePeriodExceedsTheLameduck() throws IOException {
        Map<String, Object> pod = map(map(map(manifest("Deployment", "mesh-dns").get("spec")).get("template"))
                .get("spec"));
        Duration lameduck = DEFAULT_LAMEDUCK;
        OptionSpec option = serveSpec().findOption("--lameduck");
        if (option != null) { // once the ops branch adds the flag: what the Deployment or its default says
            String given = flagValues(containerArgs(meshDnsContainer())).get("lameduck");
            lameduck = Durations.parse(given != null ? given : option.defaultValue());
        }
        int grace = (Integer) pod.get("terminationGracePeriodSeconds");

        assertThat(Duration.ofSeconds(grace)).isGreaterThan(lameduck);
    }

    @Test
    void kongExampleRoutesAnIngressToAnExternalNameOfACatalogService() throws Exception {
        Map<String, Object> service = manifestOfKind("Service", "kong-ingress.yaml");
        Map<String, Object> spec = map(service.get("spec"));
        assertThat(spec).containsEntry("type", "ExternalName").containsEntry("externalName", "frontend.kong.svc.80.mesh");
        // <name>.<namespace>.svc.<port>.mesh is the service tag name_namespace_svc_port of the catalog.
        Catalog catalog = CatalogFile.parse((String) configMapData().get("catalog.yaml"));
        assertThat(catalog.entries()).extracting(e -> e.service()).contains("frontend_kong_svc_80");

        Map<String, Object> ingress = manifestOfKind("Ingress", "kong-ingress.yaml");
        assertThat(map(ingress.get("spec"))).containsEntry("ingressClassName", "kong");
        String backend = map(ingress.get("spec")).get("rules").toString();
        String serviceName = (String) map(service.get("metadata")).get("name");
        assertThat(backend).contains("name=" + serviceName);
        assertThat(map(ingress.get("metadata")).get("namespace")).isEqualTo(map(service.get("metadata")).get("namespace"));
    }

    @Test
    void kustomizationAppliesTheMeshDnsManifestsAllInOneNamespace() throws IOException {
        Map<String, Object> kustomization = yamlDocuments(KUBERNETES.resolve("kustomization.yaml")).get(0);
        List<Object> resources = list(kustomization.get("resources"));
        assertThat(resources).contains("namespace.yaml", "configmap.yaml", "secret.yaml", "deployment.yaml",
                "service.yaml", "poddisruptionbudget.yaml");
        for (Object resource : resources) {
            for (Map<String, Object> document : yamlDocuments(KUBERNETES.resolve((String) resource))) {
                Map<String, Object> metadata = map(document.get("metadata"));
                Object namespace = document.get("kind").equals("Namespace") ? metadata.get("name")
                        : metadata.get("namespace");
                assertThat(namespace).as(resource + " namespace").isEqualTo("mesh-dns");
            }
        }
    }

    // ---- the sidecar -------------------------------------------------------------------------

    @Test
    void sidecarFollowsTheReplicasServiceWithStoreNoneAndForwardsToTheClusterDns() throws IOException {
        Map<String, Object> container = sidecarContainer();
        ServerConfig config = serveConfig(containerArgs(container), Map.of("POD_NAME", "sidecar-demo-abc12"));

        assertThat(config.store()).isEqualTo(StoreKind.NONE);
        assertThat(config.catalogFile()).as("VIPs only from the replicas").isNull();
        assertThat(config.dnsListen().getHostString()).isEqualTo("127.0.0.1");
        assertThat(config.controlPlane().nodeId()).isEqualTo("sidecar-demo-abc12");
        // --control-plane is the replicas' Service: NAME.NAMESPACE.svc.cluster.local:<its grpc port>.
        Map<String, Object> service = manifest("Service", "mesh-dns");
        Map<String, Object> metadata = map(service.get("metadata"));
        Map<String, Object> grpc = list(map(service.get("spec")).get("ports")).stream().map(DockerFilesTest::map)
                .filter(p -> p.get("name").equals("grpc")).findFirst().orElseGet(() -> fail("no grpc port"));
        assertThat(config.controlPlane().target()).isEqualTo(metadata.get("name") + "." + metadata.get("namespace")
                + ".svc.cluster.local:" + grpc.get("port"));
        assertThat(config.forward().upstreams()).extracting(a -> a.getHostString() + ":" + a.getPort())
                .containsExactly("10.96.0.10:53");
        // Same zone and pool as the replicas, so PTR and the zone agree along the chain.
        Map<String, String> replicaFlags = flagValues(containerArgs(meshDnsContainer()));
        Map<String, String> sidecarFlags = flagValues(containerArgs(container));
        assertThat(sidecarFlags.get("zone")).isEqualTo(replicaFlags.get("zone"));
        assertThat(sidecarFlags.get("vip-cidr")).isEqualTo(replicaFlags.get("vip-cidr"));
        assertThat(sidecarFlags).doesNotContainKeys("postgres-url", "catalog-file");
    }

    @Test
    void sidecarPodsResolvConfNamesOnlyTheFollowerWithTheSearchListAndNdots5() throws IOException {
        Map<String, Object> pod = sidecarPod();
        ServerConfig config = serveConfig(containerArgs(sidecarContainer()), Map.of("POD_NAME", "p"));
        Map<String, Object> dnsConfig = map(pod.get("dnsConfig"));
        String namespace = (String) map(sidecarDeployment().get("metadata")).get("namespace");

        assertThat(pod).containsEntry("dnsPolicy", "None");
        assertThat(list(dnsConfig.get("nameservers"))).containsExactly(config.dnsListen().getHostString());
        assertThat(config.dnsListen().getPort()).as("a resolv.conf nameserver has no port").isEqualTo(53);
        assertThat(list(dnsConfig.get("searches"))).containsExactly(namespace + ".svc.cluster.local",
                "svc.cluster.local", "cluster.local");
        assertThat(list(dnsConfig.get("options"))).containsExactly(Map.of("name", "ndots", "value", "5"));
    }

    @Test
    void sidecarBindsPort53AsNonRootThroughThePodSysctlAndIsHardened() throws IOException {
        Map<String, Object> pod = sidecarPod();
        Map<String, Object> container = sidecarContainer();
        Map<String, Object> security = map(container.get("securityContext"));
        ServerConfig config = serveConfig(containerArgs(container), Map.of("POD_NAME", "p"));

        assertThat(security).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 65532)
                .containsEntry("allowPrivilegeEscalation", false).containsEntry("readOnlyRootFilesystem", true);
        assertThat(map(security.get("capabilities")).get("drop")).isEqualTo(List.of("ALL"));
        Map<String, Object> sysctl = list(map(pod.get("securityContext")).get("sysctls")).stream()
                .map(DockerFilesTest::map).filter(s -> s.get("name").equals("net.ipv4.ip_unprivileged_port_start"))
                .findFirst().orElseGet(() -> fail("no net.ipv4.ip_unprivileged_port_start sysctl"));
        assertThat(Integer.parseInt((String) sysctl.get("value"))).isLessThanOrEqualTo(config.dnsListen().getPort());
        // A native sidecar: started before the app, stopped after it.
        assertThat(container).containsEntry("restartPolicy", "Always");
        assertThat(list(pod.get("initContainers"))).contains(container);
        // Probes on the admin port the flags set (the kubelet reaches 0.0.0.0, not loopback).
        assertThat(config.adminListen().getHostString()).isEqualTo("0.0.0.0");
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            Map<String, Object> get = map(map(container.get(probe)).get("httpGet"));
            assertThat(containerPort(container, get.get("port"), "TCP")).as(probe)
                    .isEqualTo(config.adminListen().getPort());
            assertThat(get.get("path")).as(probe).isEqualTo(probe.equals("readinessProbe") ? "/ready" : "/health");
        }
        // The data dir (the last-known-good file) and /tmp are writable volumes.
        Set<String> mounts = list(container.get("volumeMounts")).stream().map(m -> (String) map(m).get("mountPath"))
                .collect(Collectors.toSet());
        assertThat(mounts).contains(config.dataDir().toString(), "/tmp");
        assertThat(Duration.ofSeconds((Integer) pod.get("terminationGracePeriodSeconds"))).isGreaterThan(DEFAULT_LAMEDUCK);
    }

    @Test
    void sidecarFlagsPassCheckConfigWithStoreNone(@TempDir Path dir) {
        List<String> args = new ArrayList<>();
        for (String arg : containerArgs(sidecarContainer())) { // the pod's paths and variables do not exist here
            args.add(arg.startsWith("--data-dir=") ? "--data-dir=" + dir.resolve("data")
                    : arg.replace("$(POD_NAME)", "sidecar-demo-abc12"));
        }
        args.add("--check-config");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));

        int code = commandLine.execute(args.toArray(String[]::new));

        assertThat(code).as("exit code; out: " + out + " err: " + err).isZero();
        assertThat(out.toString()).contains("none");
    }

    private static Map<String, Object> sidecarDeployment() throws IOException {
        return manifest("Deployment", "sidecar-demo");
    }

    private static Map<String, Object> sidecarPod() throws IOException {
        return map(map(map(sidecarDeployment().get("spec")).get("template")).get("spec"));
    }

    private static Map<String, Object> sidecarContainer() {
        try {
            Map<String, Object> container = meshDnsContainers().get("Deployment sidecar-demo mesh-dns");
            assertThat(container).as("the mesh-dns container of sidecar.yaml").isNotNull();
            return container;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- helpers: flags -----------------------------------------------------------------------

    private static CommandSpec serveSpec() {
        return Main.commandLine().getSubcommands().get("serve").getCommandSpec();
    }

    private static Set<String> flagNames(CommandSpec spec) {
        return spec.options().stream().flatMap(o -> Stream.of(o.names()))
                .filter(n -> n.startsWith("--")).map(n -> n.substring(2)).collect(Collectors.toSet());
    }

    /** Every {@code --flag} of a mesh-dns command line that its subcommand lacks, and picocli's verdict. */
    private static List<String> flagProblems(String where, List<String> args) {
        List<String> problems = new ArrayList<>();
        CommandLine subcommand = Main.commandLine().getSubcommands().get(args.get(0));
        if (subcommand == null) {
            return List.of(where + ": no subcommand " + args.get(0));
        }
        for (String arg : args.subList(1, args.size())) {
            if (arg.startsWith("--") && subcommand.getCommandSpec().findOption(arg.split("=", 2)[0]) == null) {
                problems.add(where + ": " + args.get(0) + " has no flag " + arg.split("=", 2)[0]);
            }
        }
        try {
            Main.commandLine().parseArgs(args.toArray(String[]::new));
        } catch (ParameterException e) {
            problems.add(where + ": " + e.getMessage());
        }
        return problems;
    }

    /** {@code --name=value} flags (and {@code --name value}) as name to value. */
    private static Map<String, String> flagValues(List<String> args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            assertThat(arg).as("flag").startsWith("--");
            String[] parts = arg.substring(2).split("=", 2);
            if (parts.length == 2) {
                values.put(parts[0], parts[1]);
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                values.put(parts[0], args.get(++i));
            } else {
                values.put(parts[0], "true");
            }
        }
        return values;
    }

    /**
     * What {@code mesh-dns serve} would run with these arguments (the first is "serve"), after
     * Kubernetes's {@code $(VAR)} expansion from {@code env}: parsed by picocli, validated by
     * {@link ServerConfig} exactly as {@link ServeCommand} does.
     */
    private static ServerConfig serveConfig(List<String> args, Map<String, String> env) {
        List<String> expanded = args.stream().map(arg -> {
            Matcher var = K8S_VAR.matcher(arg);
            StringBuilder out = new StringBuilder();
            while (var.find()) {
                String value = env.get(var.group(1));
                assertThat(value).as("$(" + var.group(1) + ") in " + arg + " is defined").isNotNull();
                var.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            return var.appendTail(out).toString();
        }).toList();
        assertThat(expanded.get(0)).isEqualTo("serve");
        ParseResult result = Main.commandLine().parseArgs(expanded.toArray(String[]::new));
        CommandSpec spec = result.subcommand().commandSpec();
        try {
            return ServerConfig.builder().catalogFile((Path) value(spec, "--catalog-file"))
                    .dnsListen((String) value(spec, "--dns-listen")).dataDir((Path) value(spec, "--data-dir"))
                    .zone((String) value(spec, "--zone")).vipCidr((String) value(spec, "--vip-cidr"))
                    .ttlSeconds((String) value(spec, "--ttl")).vip6Cidr((String) value(spec, "--vip6-cidr"))
                    .aaaaIpv4Mapped((boolean) value(spec, "--aaaa-ipv4-mapped"))
                    .vipQuarantine((String) value(spec, "--vip-quarantine")).store((String) value(spec, "--store"))
                    .postgresUrl((String) value(spec, "--postgres-url"))
                    .adminListen((String) value(spec, "--admin-listen"))
                    .controlPlane((String) value(spec, "--control-plane")).nodeId((String) value(spec, "--node-id"))
                    .controlPlaneCa((Path) value(spec, "--control-plane-ca"))
                    .controlPlaneCert((Path) value(spec, "--control-plane-cert"))
                    .controlPlaneKey((Path) value(spec, "--control-plane-key"))
                    .grpcListen((String) value(spec, "--grpc-listen"))
                    .upstreams(strings(value(spec, "--upstream")))
                    .upstreamResolvConf((Path) value(spec, "--upstream-resolv-conf"))
                    .recursionAllow(strings(value(spec, "--recursion-allow")))
                    .forwardTimeout((String) value(spec, "--forward-timeout"))
                    .serveStale((String) value(spec, "--serve-stale"))
                    .cacheEntries((String) value(spec, "--cache-entries")).build();
        } catch (InvalidConfigException e) {
            return fail("serve " + String.join(" ", args.subList(1, args.size())) + ": " + e.getMessage());
        }
    }

    private static Object value(CommandSpec spec, String name) {
        OptionSpec option = spec.findOption(name);
        assertThat(option).as("serve option " + name).isNotNull();
        return option.getValue();
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object value) {
        return (List<String>) value;
    }

    private static ServerConfig deploymentServeConfig() throws IOException {
        Map<String, Object> container = meshDnsContainer();
        Map<String, String> env = new LinkedHashMap<>(containerEnvironment(container));
        env.values().removeIf(java.util.Objects::isNull);
        for (Object entry : list(container.get("env"))) {
            Map<String, Object> var = map(entry);
            if (var.get("valueFrom") != null) {
                Map<String, Object> ref = map(map(var.get("valueFrom")).get("secretKeyRef"));
                env.put((String) var.get("name"), secretValue((String) ref.get("name"), (String) ref.get("key")));
            }
        }
        return serveConfig(containerArgs(container), env);
    }

    // ---- helpers: Dockerfile and launcher -----------------------------------------------------

    private record Instruction(String keyword, String arguments) {
    }

    /** The Dockerfile's instructions, continuation lines joined, comments left out, per stage. */
    private static List<List<Instruction>> dockerfileStages() throws IOException {
        List<List<Instruction>> stages = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String line : Files.readAllLines(DOCKER.resolve("Dockerfile"))) {
            String trimmed = line.trim();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && pending.length() == 0)) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            pending.append(trimmed);
            String[] parts = pending.toString().trim().split("\\s+", 2);
            pending.setLength(0);
            Instruction instruction = new Instruction(parts[0].toUpperCase(Locale.ROOT),
                    parts.length > 1 ? parts[1].trim().replaceAll("\\s+", " ") : "");
            if (instruction.keyword().equals("FROM")) {
                stages.add(new ArrayList<>());
            }
            assertThat(stages).as("FROM first").isNotEmpty();
            stages.get(stages.size() - 1).add(instruction);
        }
        return stages;
    }

    private static String last(List<Instruction> stage, String keyword) {
        List<String> found = stage.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments)
                .toList();
        assertThat(found).as(keyword).isNotEmpty();
        return found.get(found.size() - 1);
    }

    private static List<String> jsonArray(String exec) {
        assertThat(exec).as("exec form").startsWith("[");
        return List.of(new Gson().fromJson(exec, String[].class));
    }

    private static Set<String> volumes(List<Instruction> stage) {
        return stage.stream().filter(i -> i.keyword().equals("VOLUME"))
                .flatMap(i -> i.arguments().startsWith("[") ? jsonArray(i.arguments()).stream()
                        : Stream.of(i.arguments().split("\\s+")))
                .collect(Collectors.toSet());
    }

    /** The JVM flags the launcher uses when JAVA_OPTS is unset: its {@code ${JAVA_OPTS:-...}}. */
    /** The launcher's settings outside the heap, which the image's JRE (a current 17) always takes. */
    private static final String NATIVE_OPTS = "-Djdk.nio.maxCachedBufferSize=262144 -XX:TrimNativeHeapInterval=5000";

    /** Both scripts cap glibc's malloc arenas and pass the same settings outside the heap, whatever JAVA_OPTS says. */
    @Test
    void entrypointAndLauncherKeepTheSameSettingsOutsideTheHeap() throws IOException {
        String launcher = Files.readString(ROOT.resolve("mesh-dns"));
        String entrypoint = Files.readString(DOCKER.resolve("entrypoint.sh"));
        String arenas = "export MALLOC_ARENA_MAX=\"${MALLOC_ARENA_MAX:-2}\"";

        assertThat(launcher).contains(arenas)
                .contains("native_opts=\"-Djdk.nio.maxCachedBufferSize=262144\"")
                .contains("native_opts=\"$native_opts -XX:TrimNativeHeapInterval=5000\"")
                .contains("exec java $native_opts ${JAVA_OPTS:-");
        assertThat(entrypoint).contains(arenas).contains("exec java " + NATIVE_OPTS + " ${JAVA_OPTS:-");
    }

    private static String launcherJvmDefaults() throws IOException {
        Matcher defaults = Pattern.compile("\\$\\{JAVA_OPTS:-([^}]*)}").matcher(Files.readString(ROOT.resolve("mesh-dns")));
        assertThat(defaults.find()).as("the launcher's JAVA_OPTS default").isTrue();
        return defaults.group(1);
    }

    // ---- helpers: compose ---------------------------------------------------------------------

    private static Map<String, Map<String, Object>> composeServices() throws IOException {
        List<Map<String, Object>> documents = yamlDocuments(DOCKER.resolve("compose.yaml"));
        assertThat(documents).hasSize(1);
        Map<String, Map<String, Object>> services = new LinkedHashMap<>();
        map(documents.get(0).get("services")).forEach((name, service) -> services.put(name, map(service)));
        return services;
    }

    /** The compose services that run the mesh-dns image (built from docker/Dockerfile). */
    private static Map<String, Map<String, Object>> composeMeshDnsServices() throws IOException {
        Map<String, Map<String, Object>> meshDns = new LinkedHashMap<>();
        composeServices().forEach((name, service) -> {
            if (service.get("build") != null) {
                Map<String, Object> build = map(service.get("build"));
                assertThat(DOCKER.resolve((String) build.get("context")).resolve((String) build.get("dockerfile"))
                        .normalize()).isEqualTo(DOCKER.resolve("Dockerfile"));
                meshDns.put(name, service);
            }
        });
        assertThat(meshDns).hasSize(3);
        return meshDns;
    }

    private static List<String> command(Map<String, Object> service) {
        Object command = service.get("command");
        assertThat(command).as("command as a list").isInstanceOf(List.class);
        return list(command).stream().map(String::valueOf).toList();
    }

    private static Map<String, String> composeEnvironment(Map<String, Object> service) {
        Object environment = service.get("environment");
        Map<String, String> env = new LinkedHashMap<>();
        if (environment instanceof Map<?, ?> entries) {
            entries.forEach((k, v) -> env.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        } else if (environment instanceof List<?> entries) {
            entries.forEach(e -> {
                String[] kv = String.valueOf(e).split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : null);
            });
        }
        return env;
    }

    private static void assertHardenedComposeService(String name, Map<String, Object> service) {
        assertThat(service.get("read_only")).as(name + " read_only").isEqualTo(true);
        assertThat(list(service.get("tmpfs"))).as(name + " tmpfs").anySatisfy(t ->
                assertThat(String.valueOf(t)).startsWith("/tmp"));
        assertThat(service).as(name + " runs as the image's USER").doesNotContainKey("user");
    }

    /** The host file mounted at {@code target} (a bind mount relative to docker/). */
    private static Path composeVolumeSource(Map<String, Object> service, String target) {
        String source = composeVolumeSourceName(service, target);
        assertThat(source).startsWith(".");
        return DOCKER.resolve(source).normalize();
    }

    private static String composeVolumeSourceName(Map<String, Object> service, String target) {
        for (Object volume : list(service.get("volumes"))) {
            String[] parts = String.valueOf(volume).split(":");
            if (parts.length >= 2 && parts[1].equals(target)) {
                return parts[0];
            }
        }
        return fail("no volume mounted at " + target + " in " + service.get("volumes"));
    }

    private static Map<String, String> query(URI url) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : url.getQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        return query;
    }

    private static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    // ---- helpers: Kubernetes ------------------------------------------------------------------

    private static List<Path> manifestFiles() throws IOException {
        try (Stream<Path> files = Files.list(KUBERNETES)) {
            return files.filter(f -> f.toString().endsWith(".yaml") && !f.endsWith("kustomization.yaml")).sorted()
                    .toList();
        }
    }

    private static List<Map<String, Object>> manifests() throws IOException {
        List<Map<String, Object>> all = new ArrayList<>();
        for (Path file : manifestFiles()) {
            for (Map<String, Object> document : yamlDocuments(file)) {
                assertThat(document).as(file + " document").containsKeys("apiVersion", "kind", "metadata");
                all.add(document);
            }
        }
        assertThat(all).hasSizeGreaterThanOrEqualTo(9);
        return all;
    }

    private static Map<String, Object> manifest(String kind, String name) throws IOException {
        List<Map<String, Object>> found = manifests().stream()
                .filter(m -> m.get("kind").equals(kind) && map(m.get("metadata")).get("name").equals(name)).toList();
        assertThat(found).as(kind + " " + name).hasSize(1);
        return found.get(0);
    }

    private static Map<String, Object> manifestOfKind(String kind, String file) throws IOException {
        List<Map<String, Object>> found = yamlDocuments(KUBERNETES.resolve(file)).stream()
                .filter(m -> m.get("kind").equals(kind)).toList();
        assertThat(found).as(kind + " in " + file).hasSize(1);
        return found.get(0);
    }

    /** Every container of every workload manifest that runs the mesh-dns image, by where it is. */
    private static Map<String, Map<String, Object>> meshDnsContainers() throws IOException {
        Map<String, Map<String, Object>> containers = new LinkedHashMap<>();
        for (Map<String, Object> manifest : manifests()) {
            if (!(manifest.get("spec") instanceof Map<?, ?>) || map(manifest.get("spec")).get("template") == null) {
                continue;
            }
            Map<String, Object> spec = map(manifest.get("spec"));
            if (spec.get("template") == null) {
                continue;
            }
            Map<String, Object> pod = map(map(spec.get("template")).get("spec"));
            List<Object> all = new ArrayList<>(list(pod.get("containers")));
            if (pod.get("initContainers") != null) { // a native sidecar (restartPolicy: Always)
                all.addAll(list(pod.get("initContainers")));
            }
            for (Object container : all) {
                Map<String, Object> c = map(container);
                if (String.valueOf(c.get("image")).startsWith("mesh-dns")) {
                    containers.put(manifest.get("kind") + " " + map(manifest.get("metadata")).get("name") + " "
                            + c.get("name"), c);
                }
            }
        }
        assertThat(containers).isNotEmpty();
        return containers;
    }

    private static Map<String, Object> meshDnsContainer() throws IOException {
        return meshDnsContainers().get("Deployment mesh-dns mesh-dns");
    }

    private static List<String> containerArgs(Map<String, Object> container) {
        assertThat(container).as("the image's entrypoint runs; args only").doesNotContainKey("command");
        return list(container.get("args")).stream().map(String::valueOf).toList();
    }

    /** A container's env: each name with its literal {@code value}, or null for a reference (a Secret's key). */
    private static Map<String, String> containerEnvironment(Map<String, Object> container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Object entry : list(container.get("env"))) {
            Map<String, Object> var = map(entry);
            env.put((String) var.get("name"), var.get("value") == null ? null : String.valueOf(var.get("value")));
        }
        return env;
    }

    private static int containerPort(Map<String, Object> container, Object port, String protocol) {
        if (port instanceof Integer number) {
            return number;
        }
        return list(container.get("ports")).stream().map(DockerFilesTest::map)
                .filter(p -> p.get("name").equals(port) && protocol.equals(p.getOrDefault("protocol", "TCP")))
                .map(p -> (Integer) p.get("containerPort")).findFirst()
                .orElseGet(() -> fail("no container port " + port + "/" + protocol));
    }

    private static void assertServicePort(Map<String, Object> servicePort, int port, String protocol,
                                          Map<String, Object> container, int listening) {
        assertThat(servicePort.get("port")).isEqualTo(port);
        assertThat(servicePort.getOrDefault("protocol", "TCP")).isEqualTo(protocol);
        assertThat(containerPort(container, servicePort.get("targetPort"), protocol))
                .as("targetPort of " + servicePort.get("name")).isEqualTo(listening);
        // The container declares that port with that protocol too.
        assertThat(list(container.get("ports"))).anySatisfy(p -> assertThat(map(p))
                .containsEntry("containerPort", listening).containsEntry("protocol", protocol));
    }

    private static Map<String, Object> configMapData() throws IOException {
        return map(manifest("ConfigMap", "mesh-dns").get("data"));
    }

    private static Map<String, Object> shippedConfig() throws IOException {
        Object config = new Yaml().load((String) configMapData().get("config.yaml"));
        return map(config);
    }

    private static String secretValue(String name, String key) throws IOException {
        Object value = map(manifest("Secret", name).get("stringData")).get(key);
        assertThat(value).as("Secret " + name + " key " + key).isNotNull();
        return (String) value;
    }

    /** The {@code N.in-addr.arpa}-style zones covering an IPv4 block (whole octets). */
    private static List<String> reverseZones(String cidr) {
        String[] parts = cidr.split("/");
        int prefix = Integer.parseInt(parts[1]);
        String[] octets = parts[0].split("\\.");
        long base = 0;
        for (String octet : octets) {
            base = base << 8 | Integer.parseInt(octet);
        }
        int zoneBits = Math.max(8, (prefix + 7) / 8 * 8);
        assertThat(zoneBits).isLessThanOrEqualTo(24);
        List<String> zones = new ArrayList<>();
        long count = 1L << (zoneBits - prefix);
        for (long i = 0; i < count; i++) {
            long network = (base >> (32 - zoneBits)) + i;
            List<String> labels = new ArrayList<>();
            for (int b = 0; b < zoneBits / 8; b++) {
                labels.add(String.valueOf((network >> (8 * b)) & 0xff));
            }
            zones.add(String.join(".", labels) + ".in-addr.arpa");
        }
        return zones;
    }

    // ---- helpers: YAML ------------------------------------------------------------------------

    private static List<Map<String, Object>> yamlDocuments(Path file) throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml().loadAll(Files.readString(file, StandardCharsets.UTF_8))) {
            if (document != null) {
                documents.add(map(document));
            }
        }
        assertThat(documents).as(file + " documents").isNotEmpty();
        return documents;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).as("a YAML mapping").isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        assertThat(value).as("a YAML list").isInstanceOf(List.class);
        return (List<Object>) value;
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("docker/Dockerfile"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no docker/Dockerfile above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
