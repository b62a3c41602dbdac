package dev.dipr1.launcher;

import dev.dipr1.broker.EmbeddedKafkaBroker;
import dev.dipr1.rewards.ScoringBenchmark;
import dev.dipr1.rewardstream.TopologyBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Benchmarks whose numbers go into the closing notes; rerun them with these commands. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Rerunnable benchmarks.",
        subcommands = {BenchCommand.Scoring.class, BenchCommand.TopologyBench.class})
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a benchmark (see dipr1 bench --help)");
    }

    @Command(name = "scoring", mixinStandardHelpOptions = true,
            description = "Scoring alone on one thread: G completions per group, 10-30 GT boxes.")
    static final class Scoring implements Callable<Integer> {
        @Option(names = "--groups", defaultValue = "500") int groups;
        @Option(names = "--g", defaultValue = "8") int g;
        @Option(names = "--seed", defaultValue = "1") long seed;

        @Override
        public Integer call() {
            ScoringBenchmark.Result r = ScoringBenchmark.run(groups, g, seed);
            System.out.printf("scoring: %d completions in %.2f s = %.0f completions/s on one thread%n",
                    r.completions(), r.seconds(), r.completionsPerSecond());
            return 0;
        }
    }

    @Command(name = "topology", mixinStandardHelpOptions = true,
            description = "Reward topology end to end on a broker: groups/s with scoring vs a pass-through topology.")
    static final class TopologyBench implements Callable<Integer> {
        @Mixin KafkaOptions kafka;
        @Option(names = "--groups", defaultValue = "3000") int groups;
        @Option(names = "--g", defaultValue = "8") int g;
        @Option(names = "--seed", defaultValue = "1") long seed;

        @Override
        public Integer call() throws Exception {
            EmbeddedKafkaBroker broker = null;
            try {
                String bootstrap = kafka.bootstrapServers;
                if (!kafka.hasBootstrapServers()) {
                    broker = EmbeddedKafkaBroker.builder().build().start();
                    bootstrap = broker.bootstrapServers();
                }
                TopologyBenchmark.Result r = TopologyBenchmark.run(kafka.settings(bootstrap), groups, g, seed);
                System.out.printf("topology: %d groups of %d: scoring %.0f groups/s, pass-through %.0f groups/s, "
                        + "ratio %.2f%n", r.groups(), r.g(), r.scoringGroupsPerSecond(),
                        r.passThroughGroupsPerSecond(), r.ratio());
                return 0;
            } finally {
                if (broker != null) {
                    broker.close();
                }
            }
        }
    }
}
