package dev.dipr1.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dipr1.demo.ServiceArgs;
import dev.dipr1.generator.GeneratorSettings;
import dev.dipr1.generator.engine.EngineSettings;
import dev.dipr1.learner.GrpoLoss;
import dev.dipr1.learner.LearnerSettings;
import dev.dipr1.policy.SftSettings;
import dev.dipr1.rewards.RewardConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The demo's child-service arguments, parsed back by the real {@code dipr1} command line, give back the settings. */
class ServiceArgsTest {

    private final ServiceArgs args = new ServiceArgs("broker-1:9092,broker-2:9092", "run-7.");

    /** Parses {@code args} as {@code dipr1} would and returns the subcommand's object. */
    @SuppressWarnings("unchecked")
    static <T> T parse(List<String> args) {
        ParseResult parsed = new CommandLine(new Dipr1()).parseArgs(args.toArray(String[]::new));
        return (T) parsed.subcommand().commandSpec().userObject();
    }

    static void assertKafka(KafkaOptions kafka) {
        assertEquals("broker-1:9092,broker-2:9092", kafka.bootstrapServers);
        assertEquals("run-7.", kafka.topicPrefix);
    }

    @Test
    void learnerArgumentsCarryEverySetting() {
        // Unusual values everywhere, so a dropped or swapped option cannot parse back to the same record.
        LearnerSettings s = new LearnerSettings(
                5,
                3,
                3.3e-5f,
                new GrpoLoss.Settings(0.27f, 0.013f),
                2,
                false,
                3,
                7,
                Path.of("/tmp/run/learner.ckpt"),
                Path.of("/tmp/run/policies"),
                123_457,
                11,
                true,
                4_099);

        LearnerCommand cmd = parse(args.learner(Path.of("/tmp/run/sft.ckpt"), s, Path.of("/tmp/run/status")));

        assertKafka(cmd.kafka);
        assertEquals(Path.of("/tmp/run/sft.ckpt"), cmd.checkpoint);
        assertEquals(Path.of("/tmp/run/status"), cmd.statusDir);
        assertEquals(s, cmd.options.settings(cmd.learnerCheckpoint, cmd.policyDir, cmd.startAtEnd));
    }

    @Test
    void learnerDefaultsParseBackToo() {
        LearnerSettings s = new LearnerSettings(
                8,
                1,
                1e-4f,
                GrpoLoss.Settings.defaults(),
                4,
                true,
                1,
                10,
                Path.of("learner.ckpt"),
                Path.of("policies"),
                1 << 20,
                0,
                false);

        LearnerCommand cmd = parse(args.learner(Path.of("sft.ckpt"), s, Path.of("status")));

        assertEquals(s, cmd.options.settings(cmd.learnerCheckpoint, cmd.policyDir, cmd.startAtEnd));
    }

    @Test
    void generatorArgumentsCarryEverySetting() {
        GeneratorSettings s = new GeneratorSettings("run-7.gen-2", 12, 0.93f, 0.85f, 77, 4242L, 32)
                .withWeightsDir(Path.of("/tmp/run/policies"));

        GeneratorCommand cmd = parse(args.generator(Path.of("/tmp/run/sft.ckpt"), s));

        assertKafka(cmd.kafka);
        assertEquals(Path.of("/tmp/run/sft.ckpt"), cmd.checkpoint);
        assertEquals(s, cmd.generation.settings(cmd.id));
    }

    @Test
    void generatorArgumentsCarryTheCumulativeBoundAndBatching() {
        GeneratorSettings s = new GeneratorSettings("run-7.gen-0", 6, 0.7f, 1f, 91, 9L, 0)
                .withWeightsDir(Path.of("/tmp/run/policies"))
                .withLead(3, 11)
                .withPromptsPerBatch(5);

        GeneratorCommand cmd = parse(args.generator(Path.of("/tmp/run/sft.ckpt"), s));

        assertEquals(s, cmd.generation.settings(cmd.id));
        assertEquals(3, cmd.generation.settings(cmd.id).leadVersions());
    }

    @Test
    void generatorArgumentsCarryTheServerEngine() {
        EngineSettings engine = new EngineSettings(
                EngineSettings.Kind.OPENAI,
                URI.create("http://gpu-node-3:8123/serving"),
                "Qwen2.5-VL-7B-Instruct",
                EngineSettings.WeightsUpdate.LORA,
                13,
                Duration.ofSeconds(77),
                5);
        GeneratorSettings s = new GeneratorSettings("run-7.gen-1", 6, 0.7f, 1f, 91, 9L, 0)
                .withWeightsDir(Path.of("/tmp/run/policies"))
                .withPromptsPerBatch(3)
                .withEngine(engine);

        GeneratorCommand cmd = parse(args.generator(Path.of("/tmp/run/sft.ckpt"), s));

        assertEquals(s, cmd.generation.settings(cmd.id));
        assertEquals(engine, cmd.generation.settings(cmd.id).engine());
        for (EngineSettings.WeightsUpdate w : EngineSettings.WeightsUpdate.values()) {
            GeneratorSettings each = s.withEngine(new EngineSettings(
                    EngineSettings.Kind.OPENAI, engine.endpoint(), "m", w, 1, Duration.ofSeconds(1), 0));
            GeneratorCommand back = parse(args.generator(Path.of("/tmp/run/sft.ckpt"), each));
            assertEquals(each, back.generation.settings(back.id), w.label());
        }
    }

    @Test
    void rewardArgumentsCarryEverySetting() {
        RewardConfig soft = new RewardConfig(0.55, true, 0.3, 0.7, 0.45, 0.35, 0.2, 1.0, 0.5, 2.0, 1e-3, true);
        RewardConfig hard = new RewardConfig(0.6, false, 0.5, 0.5, 0.5, 0.5, 0.25, 1.5, 0.25, 1.0, 1e-4, false);
        RewardConfig f1 = RewardConfig.defaults().withAccuracyForm(dev.dipr1.rewards.AccuracyForm.F1);
        for (RewardConfig r : List.of(soft, hard, RewardConfig.defaults(), f1)) {
            RewardsCommand cmd = parse(args.rewards(Path.of("/tmp/run/reward-state"), r));

            assertKafka(cmd.kafka);
            assertEquals(Path.of("/tmp/run/reward-state"), cmd.stateDir);
            assertEquals(r, cmd.rewards.config());
        }
    }

    @Test
    void sftArgumentsCarryEverySetting() {
        SftSettings s = new SftSettings(417, 24, 2e-4f, 20, 7920, 1.0 / 3, 500, 7, 33, 0.99f, 5);

        SftCommand cmd = parse(ServiceArgs.sft(
                Path.of("/tmp/run/sft.ckpt"), s, Path.of("/tmp/run/more.ckpt"), Path.of("/tmp/run/more.png")));

        assertEquals(s, cmd.settings());
        assertEquals(Path.of("/tmp/run/sft.ckpt"), cmd.init);
        assertEquals(Path.of("/tmp/run/more.ckpt"), cmd.out);
        assertEquals(Path.of("/tmp/run/more.png"), cmd.plot);
    }

    @Test
    void sftFromFreshWeightsHasNoInitAndTheDefaultPlot() {
        SftCommand cmd = parse(ServiceArgs.sft(null, SftSettings.defaults(), Path.of("sft.ckpt"), null));

        assertEquals(SftSettings.defaults(), cmd.settings());
        assertEquals(null, cmd.init);
        assertEquals(null, cmd.plot);
    }
}
