package dev.dipr1.launcher;

import dev.dipr1.scenes.DatasetSummary;
import dev.dipr1.scenes.DatasetWriter;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Dataset tools. */
@Command(
        name = "dataset",
        mixinStandardHelpOptions = true,
        description = "Make datasets.",
        subcommands = {DatasetCommand.Synth.class})
final class DatasetCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: synth");
    }

    @Command(
            name = "synth",
            mixinStandardHelpOptions = true,
            description = "Write synthetic crowded scenes as PNG images plus a CrowdHuman .odgt file.")
    static final class Synth implements Callable<Integer> {
        @Option(
                names = "--split",
                required = true,
                paramLabel = "train|in-domain|ood",
                converter = SplitConverter.class)
        Split split;

        @Option(names = "--count", required = true, paramLabel = "N")
        int count;

        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path out;

        @Option(names = "--seed", defaultValue = "1", description = "Dataset seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() throws Exception {
            if (count < 1) {
                throw new IllegalArgumentException("--count must be at least 1, was " + count);
            }
            DatasetSummary s = DatasetWriter.write(out, SyntheticScenes.generate(split, seed, 0, count));
            System.out.println("wrote " + s);
            return 0;
        }
    }

    /** {@code train}, {@code in-domain} or {@code ood}, with a message that lists them. */
    static final class SplitConverter implements CommandLine.ITypeConverter<Split> {
        @Override
        public Split convert(String value) {
            return Split.fromLabel(value);
        }
    }
}
