package dev.dipr1.launcher;

import dev.dipr1.generator.GeneratorSettings;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Sampling options of the generators. */
final class GenerationOptions {

    @Option(names = "--group-size", description = "G: completions per prompt (default: ${DEFAULT-VALUE}).")
    int groupSize = GeneratorSettings.DEFAULT_GROUP_SIZE;

    @Option(
            names = "--temperature",
            description =
                    "Sampling temperature; the learner trains at the temperature recorded in each group (default: ${DEFAULT-VALUE}).")
    float temperature = GeneratorSettings.DEFAULT_TEMPERATURE;

    @Option(names = "--top-p", description = "Nucleus threshold (default: ${DEFAULT-VALUE}).")
    float topP = GeneratorSettings.DEFAULT_TOP_P;

    @Option(names = "--max-tokens", description = "Most completion tokens (default: ${DEFAULT-VALUE}).")
    int maxTokens = GeneratorSettings.DEFAULT_MAX_TOKENS;

    @Option(names = "--sampler-seed", description = "Base seed of the sampler (default: ${DEFAULT-VALUE}).")
    long seed = GeneratorSettings.DEFAULT_SEED;

    @Option(
            names = "--max-groups-per-version",
            description = "Wait for a new policy version after this many groups (B*K = synchronous RL; "
                    + "a few times B*K bounds staleness; 0 = never wait, the default).")
    int maxGroupsPerVersion = GeneratorSettings.DEFAULT_MAX_GROUPS_PER_VERSION;

    @Option(
            names = "--lead-versions",
            description = "Cumulative bound: generate at most about L learner versions' worth of groups beyond what "
                    + "the learner has read (it says so on each policy update), so trained groups are at most about "
                    + "L versions old; needs --version-share; exclusive with --max-groups-per-version "
                    + "(0 = off, the default).")
    int leadVersions = GeneratorSettings.DEFAULT_LEAD_VERSIONS;

    @Option(
            names = "--version-share",
            description = "With --lead-versions: this generator's nominal groups per learner version, "
                    + "--batch-groups x --publish-every divided among the generators (default: ${DEFAULT-VALUE}).")
    int versionShare = 0;

    @Option(
            names = "--prompts-per-batch",
            description = "P: prompts decoded together in one batch of P x G rows (default: ${DEFAULT-VALUE}).")
    int promptsPerBatch = GeneratorSettings.DEFAULT_PROMPTS_PER_BATCH;

    @Option(
            names = "--weights-dir",
            paramLabel = "DIR",
            description = "The only directory a policy update's weights_uri may name: the learner's --policy-dir "
                    + "(default: ${DEFAULT-VALUE}). Updates naming other files are dead-lettered unread.")
    Path weightsDir = GeneratorSettings.DEFAULT_WEIGHTS_DIR;

    @Mixin
    EngineOptions engine;

    GeneratorSettings settings(String id) {
        return new GeneratorSettings(
                id,
                groupSize,
                temperature,
                topP,
                maxTokens,
                seed,
                maxGroupsPerVersion,
                weightsDir,
                GeneratorSettings.DEFAULT_MAX_VERSION_JUMP,
                leadVersions,
                versionShare,
                promptsPerBatch,
                engine.settings());
    }
}
