package dev.dipr1.launcher;

import dev.dipr1.generator.PromptFeeder;
import dev.dipr1.scenes.LoadResult;
import dev.dipr1.scenes.OdgtLoader;
import dev.dipr1.scenes.Scene;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.TopicAdmin;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Publishes a dataset as prompts (and its annotations). */
@Command(
        name = "feed",
        mixinStandardHelpOptions = true,
        description = "Publish a split's prompts to the prompts topic and its ground truth to the annotations topic "
                + "(synthetic scenes, or a dataset directory written by 'dipr1 dataset synth' / CrowdHuman layout).")
final class FeedCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(
            names = "--split",
            defaultValue = "train",
            converter = DatasetCommand.SplitConverter.class,
            description = "Split of synthetic scenes (default: ${DEFAULT-VALUE}).")
    Split split;

    @Option(names = "--count", defaultValue = "1000", description = "Synthetic scenes (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--dataset", paramLabel = "DIR", description = "Read images/ + annotations.odgt from here instead.")
    Path dataset;

    @Option(
            names = "--epochs",
            defaultValue = "1",
            description = "Times each prompt is published (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "1", description = "Scene and shuffle seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        FileArguments.requireDirectory(
                "--dataset",
                dataset,
                "pass a directory holding images/ and annotations.odgt, or leave --dataset out for synthetic scenes");
        TopicsCommand.requireBootstrap(kafka);
        List<Scene> scenes;
        String name;
        if (dataset != null) {
            LoadResult r = OdgtLoader.loadDataset(dataset);
            scenes = r.scenes();
            name = dataset.getFileName().toString();
        } else {
            scenes = SyntheticScenes.generate(split, seed, 0, count);
            name = "synthetic-seed" + seed;
        }
        try (Admin admin = KafkaClients.admin(kafka.settings())) {
            new TopicAdmin(admin, kafka.replicationFactor, kafka.settings().timeout())
                    .ensure(kafka.catalog().all());
        }
        PromptFeeder.Result r = PromptFeeder.publish(
                kafka.settings(),
                kafka.catalog(),
                name,
                split.label(),
                scenes,
                epochs,
                seed,
                System.currentTimeMillis());
        System.out.printf("published %d annotations and %d prompts%n", r.annotations(), r.prompts());
        return 0;
    }
}
