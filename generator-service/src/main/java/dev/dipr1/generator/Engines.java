package dev.dipr1.generator;

import dev.dipr1.generator.engine.DjlEngine;
import dev.dipr1.generator.engine.EngineSettings;
import dev.dipr1.generator.engine.GenerationEngine;
import dev.dipr1.generator.engine.OpenAiEngine;
import dev.dipr1.policy.Policy;
import dev.dipr1.topics.WeightsFiles;

/** The engine a generator's settings ask for ({@code --engine}), starting from the policy it was given. */
public final class Engines {

    private Engines() {}

    /**
     * {@code djl}: samples with {@code initial} in process (the engine owns it). {@code openai}:
     * samples on the server, checking its answers against {@code initial}'s vocabulary and prompt,
     * sending images at its input size (with {@code --tokenizer server}: trusting the server's
     * tokenizer and sending images at their own resolution), starting at its version; {@code
     * initial} itself is closed.
     * Either way policy updates by URI are read only from the settings' weights directory.
     */
    public static GenerationEngine of(Policy initial, GeneratorSettings settings) {
        if (settings.engine().kind() == EngineSettings.Kind.DJL) {
            return new DjlEngine(new CurrentPolicy(initial, checkpoints(settings)), new GroupSampler(settings));
        }
        try (initial) {
            return new OpenAiEngine(
                    settings,
                    initial.tokenizer(),
                    initial.config().imageSize(),
                    initial.version(),
                    checkpoints(settings));
        }
    }

    /**
     * The server engine without a policy of ours: {@code --engine openai --tokenizer server}, whose
     * answers are taken as the server's tokenizer made them, so the only thing a checkpoint would
     * give is the version of the model the server starts with: {@code startVersion}.
     */
    public static GenerationEngine onServer(GeneratorSettings settings, long startVersion) {
        if (!servesItsOwnTokens(settings.engine())) {
            throw new IllegalArgumentException("without --checkpoint the generator needs --engine openai --tokenizer "
                    + "server (the in-process policy, and the policy tokenizer that checks a server's answers, are "
                    + "read from the checkpoint): give --checkpoint FILE");
        }
        if (startVersion < 0) {
            throw new IllegalArgumentException("--start-version must not be negative, was " + startVersion);
        }
        return new OpenAiEngine(settings, null, 0, startVersion, checkpoints(settings));
    }

    /** Whether this engine needs no policy checkpoint of ours: a server with its own tokenizer. */
    public static boolean servesItsOwnTokens(EngineSettings engine) {
        return engine.kind() == EngineSettings.Kind.OPENAI
                && engine.tokenizer() == EngineSettings.TokenizerSource.SERVER;
    }

    private static CurrentPolicy.Checkpoints checkpoints(GeneratorSettings settings) {
        return CurrentPolicy.Checkpoints.from(
                new WeightsFiles(settings.weightsDir(), WeightsFiles.MAX_CHECKPOINT_BYTES));
    }
}
