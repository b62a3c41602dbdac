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
        CurrentPolicy.Checkpoints checkpoints = CurrentPolicy.Checkpoints.from(
                new WeightsFiles(settings.weightsDir(), WeightsFiles.MAX_CHECKPOINT_BYTES));
        if (settings.engine().kind() == EngineSettings.Kind.DJL) {
            return new DjlEngine(new CurrentPolicy(initial, checkpoints), new GroupSampler(settings));
        }
        try (initial) {
            return new OpenAiEngine(
                    settings, initial.tokenizer(), initial.config().imageSize(), initial.version(), checkpoints);
        }
    }
}
