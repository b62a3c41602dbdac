package dev.dipr1.launcher;

import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.TopicAdmin;
import dev.dipr1.topics.TopicAdmin.TopicStatus;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Creates or describes the topics of the catalog. */
@Command(
        name = "topics",
        mixinStandardHelpOptions = true,
        description = "Create or describe the pipeline's topics.",
        subcommands = {TopicsCommand.Create.class, TopicsCommand.Describe.class})
final class TopicsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: create or describe");
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Create the missing topics with the catalog's settings (idempotent); "
                    + "fails if an existing topic has incompatible settings.")
    static final class Create implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Override
        public Integer call() {
            requireBootstrap(kafka);
            try (Admin admin = KafkaClients.admin(kafka.settings())) {
                print(new TopicAdmin(
                                admin, kafka.replicationFactor, kafka.settings().timeout())
                        .ensure(kafka.catalog().all()));
            }
            return 0;
        }
    }

    @Command(
            name = "describe",
            mixinStandardHelpOptions = true,
            description = "Show each catalog topic as it is on the cluster and how it differs from the catalog.")
    static final class Describe implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Override
        public Integer call() {
            requireBootstrap(kafka);
            try (Admin admin = KafkaClients.admin(kafka.settings())) {
                List<TopicStatus> statuses = new TopicAdmin(
                                admin, kafka.replicationFactor, kafka.settings().timeout())
                        .describe(kafka.catalog().all());
                print(statuses);
                return statuses.stream().anyMatch(s -> s.state() == TopicStatus.State.INCOMPATIBLE) ? 1 : 0;
            }
        }
    }

    static void requireBootstrap(KafkaOptions kafka) {
        if (!kafka.hasBootstrapServers()) {
            throw new IllegalArgumentException("this command needs --bootstrap-servers HOST:PORT "
                    + "(start a broker with 'dipr1 broker' to get one)");
        }
    }

    private static void print(List<TopicStatus> statuses) {
        statuses.forEach(s -> System.out.println(s.describe()));
    }
}
