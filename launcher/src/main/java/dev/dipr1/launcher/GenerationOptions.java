package dev.dipr1.launcher;

import dev.dipr1.generator.GeneratorSettings;
import picocli.CommandLine.Option;

/** Sampling options of the generators. */
final class GenerationOptions {

    @Option(names = "--group-size", defaultValue = "8", description = "G: completions per prompt (default: ${DEFAULT-VALUE}).")
    int groupSize;

    @Option(names = "--temperature", defaultValue = "0.7",
            description = "Sampling temperature; the learner trains at the temperature recorded in each group (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--top-p", defaultValue = "1.0", description = "Nucleus threshold (default: ${DEFAULT-VALUE}).")
    float topP;

    @Option(names = "--max-tokens", defaultValue = "91", description = "Most completion tokens (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--sampler-seed", defaultValue = "1", description = "Base seed of the sampler (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-groups-per-version", defaultValue = "0",
            description = "Wait for a new policy version after this many groups (B*K = synchronous RL; "
                    + "a few times B*K bounds staleness; 0 = never wait, the default).")
    int maxGroupsPerVersion;

    GeneratorSettings settings(String id) {
        return new GeneratorSettings(id, groupSize, temperature, topP, maxTokens, seed, maxGroupsPerVersion);
    }
}
