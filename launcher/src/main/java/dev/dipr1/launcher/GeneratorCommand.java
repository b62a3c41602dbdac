package dev.dipr1.launcher;

import dev.dipr1.generator.GeneratorService;
import dev.dipr1.generator.GeneratorSettings;
import dev.dipr1.policy.Policy;
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
                + "current policy, publish rollout groups; applies new policy versions between groups.")
final class GeneratorCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    GenerationOptions generation;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "Initial policy checkpoint.")
    Path checkpoint;

    @Option(names = "--id", paramLabel = "ID", description = "Generator id (default: random).")
    String id;

    @Option(
            names = "--device",
            defaultValue = "cpu",
            paramLabel = "cpu|gpu",
            description = "Where to run the model (default: ${DEFAULT-VALUE}). GPU needs the CUDA libtorch "
                    + "native artifact on the class path instead of pytorch-native-cpu (see README).")
    String device;

    @Option(names = "--metrics-port", defaultValue = "0", description = "Prometheus metrics port (default: off).")
    int metricsPort;

    @Override
    public Integer call() throws Exception {
        FileArguments.requireFile("--checkpoint", checkpoint, FileArguments.CHECKPOINT_HINT);
        TopicsCommand.requireBootstrap(kafka);
        if (!device.equals("cpu") && !device.equals("gpu")) {
            throw new IllegalArgumentException("--device must be cpu or gpu, was " + device);
        }
        if (device.equals("gpu")) {
            throw new IllegalArgumentException("--device gpu: this build bundles the CPU libtorch only; "
                    + "build with -Ddjl.native=cu128 as described in the README, or use --device cpu");
        }
        try (Admin admin = Admin.create(kafka.settings().asMap())) {
            new TopicAdmin(admin, kafka.replicationFactor, kafka.settings().timeout())
                    .ensure(kafka.catalog().all());
        }
        String generatorId =
                id != null ? id : "gen-" + UUID.randomUUID().toString().substring(0, 8);
        GeneratorSettings s = generation.settings(generatorId);
        try (MetricsEndpoint metrics = new MetricsEndpoint(metricsPort);
                GeneratorService g = new GeneratorService(
                        kafka.settings(),
                        kafka.catalog(),
                        Policy.load(checkpoint),
                        s,
                        metrics.registry(),
                        System::currentTimeMillis)) {
            Runtime.getRuntime().addShutdownHook(new Thread(g::close, "generator-shutdown"));
            g.run();
        }
        return 0;
    }
}
