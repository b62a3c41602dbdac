package dev.dipr1.demo;

import dev.dipr1.generator.engine.EngineSettings;
import dev.dipr1.learner.LearnerSettings;
import dev.dipr1.policy.SftSettings;
import dev.dipr1.rewards.RewardConfig;
import dev.dipr1.topics.TopicCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything one demo run needs to know before it starts.
 *
 * @param size how long each phase runs and how much data it uses
 * @param sampling G and temperature of the generators
 * @param seed seed of SFT, data and sampling
 * @param dir where the report, checkpoints and logs of this run go
 * @param cacheDir where SFT checkpoints are cached across runs
 * @param catalog the topics
 * @param learner the GRPO learner's settings (its checkpoint and policy directory inside {@code dir})
 * @param rewards the reward weights and thresholds
 * @param sftMore whether to train and evaluate the equal-compute SFT baseline
 * @param givenSft an SFT checkpoint to start from instead of training one (null: train or reuse the cache)
 * @param processes whether the loop's components run as child JVMs instead of threads
 * @param engine what the generators sample with: the in-process policy, or ({@code openai}) a
 *     {@code dipr1 serve} the run starts, told of each new version by {@code --weights-update disk}
 * @param sftEmaDecay SFT and SFT continued keep an average of their weights with this decay, 0 the weights as
 *     trained ({@link SftSettings#emaDecay()})
 * @param sftShift SFT and SFT continued move each training sample by up to this many pixels ({@link
 *     SftSettings#shiftPixels()})
 * @param sftLr peak learning rate of the warm start's SFT ({@link SftSettings#lr()}); SFT continued keeps its own
 *     ({@code DemoRun.SFT_CONTINUED_LR})
 */
public record DemoPlan(
        DemoSettings size,
        SamplingSettings sampling,
        long seed,
        Path dir,
        Path cacheDir,
        TopicCatalog catalog,
        LearnerSettings learner,
        RewardConfig rewards,
        boolean sftMore,
        Path givenSft,
        boolean processes,
        EngineSettings.Kind engine,
        float sftEmaDecay,
        int sftShift,
        float sftLr) {

    /** Checks what a run would otherwise find out minutes in. */
    public DemoPlan {
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(learner, "learner");
        Objects.requireNonNull(rewards, "rewards");
        Objects.requireNonNull(engine, "engine");
        if (!SftSettings.isEmaDecay(sftEmaDecay)) {
            throw new IllegalArgumentException(
                    "--sft-ema-decay " + sftEmaDecay + " must be 0 (no average) or in (0, 1), e.g. 0.995");
        }
        if (!SftSettings.isShiftPixels(sftShift)) {
            throw new IllegalArgumentException("--sft-shift " + sftShift + " must be in [0, "
                    + SftSettings.MAX_SHIFT_PIXELS + "] pixels (0: no translation)");
        }
        if (!SftSettings.isLr(sftLr)) {
            throw new IllegalArgumentException(
                    "--sft-lr " + sftLr + " must be in (0, " + SftSettings.MAX_LR + "], e.g. 0.001");
        }
        if (givenSft != null && !Files.isRegularFile(givenSft)) {
            throw new IllegalArgumentException("--sft-checkpoint " + givenSft + " is not a file");
        }
    }

    /** Steps of the equal-compute SFT continuation for this plan's RL step of B × G samples. */
    public int sftMoreSteps() {
        return size.sftMoreSteps(learner.batchGroups() * sampling.groupSize());
    }
}
