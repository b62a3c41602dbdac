package dev.dipr1.launcher;

import dev.dipr1.generator.Engines;
import dev.dipr1.generator.GeneratorService;
import dev.dipr1.generator.GeneratorSettings;
import dev.dipr1.policy.Policy;
import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.PolicyKey;
import dev.dipr1.topics.TopicAdmin;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs one generator instance. */
@Command(
        name = "generator",
        mixinStandardHelpOptions = true,
        description = "Run a generator: consume prompts (consumer group), sample G completions per prompt with the "
                + "current policy (in process, or on an OpenAI-compatible server with --engine openai), publish "
                + "rollout groups; applies new policy versions between groups.")
final class GeneratorCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    GenerationOptions generation;

    @Option(
            names = "--checkpoint",
            paramLabel = "FILE",
            description = "Initial policy checkpoint (with --engine openai: the one the server starts with; the "
                    + "server's answers are checked against its vocabulary and images are sent at its input size). "
                    + "Required, except with --engine openai --tokenizer server (see --start-version).")
    Path checkpoint;

    @Option(
            names = "--start-version",
            paramLabel = "N",
            description = "With --engine openai --tokenizer server and no --checkpoint: the policy version of the "
                    + "model the server starts with (default: 0).")
    Long startVersion;

    @Option(names = "--id", paramLabel = "ID", description = "Generator id (default: random).")
    String id;

    @Option(
            names = "--device",
            defaultValue = "cpu",
            paramLabel = "cpu|gpu",
            description = "Where to run the model (default: ${DEFAULT-VALUE}). GPU needs the CUDA libtorch "
                    + "native artifact on the class path instead of pytorch-native-cpu (see README).")
    String device;

    @Option(
            names = "--policy-key",
            paramLabel = "FILE",
            description =
                    "Apply only policy updates signed with the secret in FILE (the learner's --policy-key); others are dead-lettered.")
    Path policyKey;

    @Mixin
    MetricsOptions metrics;

    @Override
    public Integer call() throws Exception {
        PolicyKey key = policyKey == null ? null : PolicyKey.read(policyKey); // a bad key file stops us first
        String generatorId =
                id != null ? id : "gen-" + UUID.randomUUID().toString().substring(0, 8);
        GeneratorSettings s = generation.settings(generatorId); // bad options stop us before any connection
        boolean serverOnly = checkpoint == null && Engines.servesItsOwnTokens(s.engine());
        if (serverOnly) {
            if (startVersion != null && startVersion < 0) {
                throw new IllegalArgumentException("--start-version must not be negative, was " + startVersion);
            }
        } else {
            if (startVersion != null) {
                throw new IllegalArgumentException("--start-version is for a generator without --checkpoint "
                        + "(--engine openai --tokenizer server); with --checkpoint the version is the checkpoint's");
            }
            if (checkpoint == null) {
                throw new IllegalArgumentException("--checkpoint FILE is required: the in-process policy (--engine "
                        + "djl) or the vocabulary a server's answers are checked against (--tokenizer policy); only "
                        + "--engine openai --tokenizer server runs without one");
            }
            FileArguments.requireFile("--checkpoint", checkpoint, FileArguments.CHECKPOINT_HINT);
        }
        TopicsCommand.requireBootstrap(kafka);
        if (!device.equals("cpu") && !device.equals("gpu")) {
            throw new IllegalArgumentException("--device must be cpu or gpu, was " + device);
        }
        if (device.equals("gpu")) {
            throw new IllegalArgumentException("--device gpu: this build bundles the CPU libtorch only; "
                    + "build with -Ddjl.native=cu128 as described in the README, or use --device cpu");
        }
        try (Admin admin = KafkaClients.admin(kafka.settings())) {
            new TopicAdmin(admin, kafka.replicationFactor, kafka.settings().timeout())
                    .ensure(kafka.catalog().all());
        }
        try (MetricsEndpoint endpoint = metrics.open();
                GeneratorService g = new GeneratorService(
                        kafka.settings(),
                        kafka.catalog(),
                        serverOnly
                                ? Engines.onServer(s, startVersion == null ? 0 : startVersion)
                                : Engines.of(Policy.load(checkpoint), s),
                        s,
                        endpoint.registry(),
                        System::currentTimeMillis)) {
            if (key != null) {
                g.requireSignedPolicies(key);
            }
            endpoint.health(new MetricsEndpoint.Health() {
                @Override
                public String deadReason() {
                    return null; // the generator's own faults end the process
                }

                @Override
                public String notReadyReason() {
                    return null; // it holds a verified policy from its start
                }
            });
            Runtime.getRuntime().addShutdownHook(new Thread(g::close, "generator-shutdown"));
            g.run();
        }
        return 0;
    }
}
