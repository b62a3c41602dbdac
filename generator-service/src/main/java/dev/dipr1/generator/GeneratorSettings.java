package dev.dipr1.generator;

import dev.dipr1.generator.engine.EngineSettings;
import dev.dipr1.policy.Sampler;
import dev.dipr1.policy.SamplingSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a generator samples, and which policy updates it accepts. The constructor checks every field and reports all problems at once,
 * each with the option to change.
 *
 * @param generatorId id recorded in every rollout group (unique per instance)
 * @param groupSize G, completions per prompt, 2 to {@value #MAX_GROUP_SIZE}
 * @param temperature sampling temperature (the behaviour log-probs are under it), in (0, {@value #MAX_TEMPERATURE}]
 * @param topP nucleus threshold in (0, 1], 1 = none
 * @param maxTokens most completion tokens, 1 to {@value #MAX_MAX_TOKENS} (the sampler also stops at the
 *     model's max_seq_len)
 * @param seed base seed; each group's sampler seed derives from it, the group id and the policy version
 * @param maxGroupsPerVersion 0 = unbounded; N &gt; 0 = after N groups with one policy version, wait
 *     for the next version before generating more. N = B·K (the learner's batch times its publish
 *     interval) is synchronous RL; a few times that bounds how far generation runs ahead of the
 *     learner (and so the staleness of what it trains on) without making either wait often.
 * @param weightsDir the only directory whose files a policy update's {@code weights_uri} may name
 *     (the learner's {@code --policy-dir}); null = refuse every update that is not inline
 * @param maxVersionJump how far ahead of the newest version seen an update may be; one further
 *     ahead (e.g. 2^63−1) is dead-lettered, or the generator would wait for it forever
 * @param leadVersions 0 = off; L &gt; 0 = the cumulative bound of {@link LeadGate}: at most about L
 *     learner versions' worth of groups beyond what the learner has read (trained groups are then
 *     at most about L versions old). Exclusive with {@code maxGroupsPerVersion}
 * @param versionShare with {@code leadVersions}: the nominal groups per learner version from this
 *     generator, B·K divided among the generators (what the learner consumes is learnt from its
 *     updates; this is the floor and the first guess)
 * @param promptsPerBatch P: prompts decoded together in one batch of P·G rows (one policy version
 *     per batch; each group keeps its own seed); with an inference server, the prompts whose
 *     requests are sent together (at most {@code --max-in-flight} at once)
 * @param engine what samples: the in-process policy or an inference server ({@link EngineSettings})
 */
public record GeneratorSettings(
        String generatorId,
        int groupSize,
        float temperature,
        float topP,
        int maxTokens,
        long seed,
        int maxGroupsPerVersion,
        Path weightsDir,
        long maxVersionJump,
        int leadVersions,
        int versionShare,
        int promptsPerBatch,
        EngineSettings engine) {

    public static final int DEFAULT_GROUP_SIZE = 8;
    public static final float DEFAULT_TEMPERATURE = 0.7f;
    public static final float DEFAULT_TOP_P = 1f;
    /** Enough for the longest answer the default model can write (max_seq_len 96 minus the prompt). */
    public static final int DEFAULT_MAX_TOKENS = SamplingSettings.DEFAULT_MAX_TOKENS;

    public static final long DEFAULT_SEED = 1;
    /** Never wait for the learner (fully asynchronous). */
    public static final int DEFAULT_MAX_GROUPS_PER_VERSION = 0;
    /** The learner's default {@code --policy-dir}, relative to the working directory as there. */
    public static final Path DEFAULT_WEIGHTS_DIR = Path.of("policies");
    /**
     * The learner adds one per publish: a million is weeks of publishing every step, so only a
     * corrupt or forged version gets this far ahead.
     */
    public static final long DEFAULT_MAX_VERSION_JUMP = 1_000_000;
    /** No cumulative bound (the per-version bound or none). */
    public static final int DEFAULT_LEAD_VERSIONS = 0;
    /**
     * Measured with {@code dipr1 bench sampling} on the SFT checkpoint, one libtorch thread, G = 8,
     * temperature 0.7: about 100, 160, 175, 200 and 190 samples per CPU-second at P = 1, 2, 4, 8
     * and 16 (see the generator README); the learner's default batch is 8 groups, so one decoding
     * batch is one learner batch.
     */
    public static final int DEFAULT_PROMPTS_PER_BATCH = 8;

    /** The reward stream dead-letters larger groups by default (its --max-group-size). */
    public static final int MAX_GROUP_SIZE = 64;
    /** Far above any useful temperature; larger values sample near-uniform noise. */
    public static final float MAX_TEMPERATURE = SamplingSettings.MAX_TEMPERATURE;
    /** Far above any model's max_seq_len here; a larger value is a typo. */
    public static final int MAX_MAX_TOKENS = 4096;

    public GeneratorSettings {
        List<String> errors = new ArrayList<>();
        if (generatorId == null || generatorId.isBlank()) {
            errors.add("the generator id must not be blank: set --id or leave it out for a random one");
        }
        if (groupSize < 2 || groupSize > MAX_GROUP_SIZE) {
            errors.add("--group-size must be between 2 (GRPO compares completions within a group) and " + MAX_GROUP_SIZE
                    + ", was " + groupSize);
        }
        if (!(temperature > 0 && temperature <= MAX_TEMPERATURE)) {
            errors.add("--temperature must be in (0, " + MAX_TEMPERATURE + "], was " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            errors.add("--top-p must be in (0, 1] (1 = no nucleus cut), was " + topP);
        }
        if (maxTokens < 1 || maxTokens > MAX_MAX_TOKENS) {
            errors.add("--max-tokens must be between 1 and " + MAX_MAX_TOKENS + ", was " + maxTokens);
        }
        if (maxGroupsPerVersion < 0) {
            errors.add("--max-groups-per-version must be 0 (never wait) or positive, was " + maxGroupsPerVersion);
        }
        if (leadVersions < 0) {
            errors.add("--lead-versions must be 0 (off) or positive, was " + leadVersions);
        }
        if (leadVersions > 0 && maxGroupsPerVersion > 0) {
            errors.add(
                    "--lead-versions and --max-groups-per-version are two bounds on the same thing: set one of them to 0");
        }
        if (leadVersions > 0 && versionShare < 1) {
            errors.add("--version-share must be at least 1 with --lead-versions (the learner's batch groups times its "
                    + "publish interval, divided among the generators), was " + versionShare);
        }
        if (versionShare < 0) {
            errors.add("--version-share must not be negative, was " + versionShare);
        }
        if (promptsPerBatch < 1 || (long) promptsPerBatch * groupSize > Sampler.MAX_GROUP_SIZE) {
            errors.add("--prompts-per-batch must be at least 1 and P × --group-size at most " + Sampler.MAX_GROUP_SIZE
                    + " rows, was " + promptsPerBatch);
        }
        if (maxVersionJump < 1) {
            errors.add("the largest policy version jump must be at least 1, was " + maxVersionJump);
        }
        if (engine == null) {
            errors.add("the engine settings are missing: --engine djl is the default");
        } else if (engine.weightsUpdate() != EngineSettings.WeightsUpdate.NONE && weightsDir == null) {
            errors.add("--weights-update " + engine.weightsUpdate().label() + " hands the server checkpoint files "
                    + "in --weights-dir (inline updates are written there): set --weights-dir");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid generator settings: " + String.join("; ", errors));
        }
    }

    /** These settings sampling with the in-process policy ({@link EngineSettings#djl()}). */
    public GeneratorSettings(
            String generatorId,
            int groupSize,
            float temperature,
            float topP,
            int maxTokens,
            long seed,
            int maxGroupsPerVersion,
            Path weightsDir,
            long maxVersionJump,
            int leadVersions,
            int versionShare,
            int promptsPerBatch) {
        this(
                generatorId,
                groupSize,
                temperature,
                topP,
                maxTokens,
                seed,
                maxGroupsPerVersion,
                weightsDir,
                maxVersionJump,
                leadVersions,
                versionShare,
                promptsPerBatch,
                EngineSettings.djl());
    }

    /** The given sampling options; updates by URI from {@link #DEFAULT_WEIGHTS_DIR}, the default version jump. */
    public GeneratorSettings(
            String generatorId,
            int groupSize,
            float temperature,
            float topP,
            int maxTokens,
            long seed,
            int maxGroupsPerVersion) {
        this(
                generatorId,
                groupSize,
                temperature,
                topP,
                maxTokens,
                seed,
                maxGroupsPerVersion,
                DEFAULT_WEIGHTS_DIR,
                DEFAULT_MAX_VERSION_JUMP,
                DEFAULT_LEAD_VERSIONS,
                0,
                DEFAULT_PROMPTS_PER_BATCH);
    }

    /** These settings, accepting updates by URI only from {@code dir} (null: none). */
    public GeneratorSettings withWeightsDir(Path dir) {
        return new GeneratorSettings(
                generatorId,
                groupSize,
                temperature,
                topP,
                maxTokens,
                seed,
                maxGroupsPerVersion,
                dir,
                maxVersionJump,
                leadVersions,
                versionShare,
                promptsPerBatch,
                engine);
    }

    /** These settings with another largest version jump. */
    public GeneratorSettings withMaxVersionJump(long jump) {
        return new GeneratorSettings(
                generatorId,
                groupSize,
                temperature,
                topP,
                maxTokens,
                seed,
                maxGroupsPerVersion,
                weightsDir,
                jump,
                leadVersions,
                versionShare,
                promptsPerBatch,
                engine);
    }

    /**
     * These settings with the cumulative bound: at most {@code lead} versions ahead, {@code share}
     * groups per version nominally, and no per-version bound; {@code lead = 0} turns it off.
     */
    public GeneratorSettings withLead(int lead, int share) {
        return new GeneratorSettings(
                generatorId,
                groupSize,
                temperature,
                topP,
                maxTokens,
                seed,
                lead > 0 ? 0 : maxGroupsPerVersion,
                weightsDir,
                maxVersionJump,
                lead,
                share,
                promptsPerBatch,
                engine);
    }

    /** These settings decoding {@code p} prompts per batch. */
    public GeneratorSettings withPromptsPerBatch(int p) {
        return new GeneratorSettings(
                generatorId,
                groupSize,
                temperature,
                topP,
                maxTokens,
                seed,
                maxGroupsPerVersion,
                weightsDir,
                maxVersionJump,
                leadVersions,
                versionShare,
                p,
                engine);
    }

    /** These settings sampling with {@code e}. */
    public GeneratorSettings withEngine(EngineSettings e) {
        return new GeneratorSettings(
                generatorId,
                groupSize,
                temperature,
                topP,
                maxTokens,
                seed,
                maxGroupsPerVersion,
                weightsDir,
                maxVersionJump,
                leadVersions,
                versionShare,
                promptsPerBatch,
                e);
    }

    /** The defaults, for one generator. */
    public static GeneratorSettings defaults(String generatorId) {
        return new GeneratorSettings(
                generatorId,
                DEFAULT_GROUP_SIZE,
                DEFAULT_TEMPERATURE,
                DEFAULT_TOP_P,
                DEFAULT_MAX_TOKENS,
                DEFAULT_SEED,
                DEFAULT_MAX_GROUPS_PER_VERSION);
    }
}
