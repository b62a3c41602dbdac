package dev.dipr1.learner;

import dev.dipr1.policy.Policy;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.schemas.Completion;
import dev.dipr1.schemas.CompletionScore;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.ScoredGroup;
import java.awt.Dimension;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Decides whether a decoded scored group is something the learner can train on, before it goes
 * near a batch: every number finite, advantages within ±{@value #MAX_ABS_ADVANTAGE}, one score per
 * completion in index order, token ids inside the policy's vocabulary and completions no longer than
 * its sequence allows, one log-prob in [{@value #MIN_BEHAVIOUR_LOG_PROB}, 0] per token, a sampling
 * temperature > 0, a policy version not newer than the learner's, and an inline PNG of the policy's
 * input size that decodes. A group that fails is the record's fault (dead-lettered); a group that
 * passes can only fail a step through the learner's own state.
 *
 * @param vocabSize token ids must be in {@code [0, vocabSize)}
 * @param maxCompletionTokens the longest completion the policy can score after its prompt
 * @param imageSize images must be {@code imageSize × imageSize}
 */
public record ScoredGroupValidator(int vocabSize, int maxCompletionTokens, int imageSize) {

    /**
     * The GRPO ratio is exp(log-prob − behaviour log-prob) in float32: with this floor it stays below
     * e^50, far from overflow. A sampled token of probability below e^−50 ≈ 2e−22 does not happen.
     */
    public static final float MIN_BEHAVIOUR_LOG_PROB = -50f;

    /**
     * Group-normalised advantages are at most √G in size, or the reward range without std scaling
     * (rewards.md §5); with this cap ratio × advantage summed over a batch stays finite in float32.
     */
    public static final double MAX_ABS_ADVANTAGE = 1e4;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /** The limits of {@code policy}: its tokenizer's vocabulary, sequence length and image size. */
    public static ScoredGroupValidator forPolicy(Policy policy) {
        int prompt = policy.tokenizer().promptIds().length;
        // the same budget the sampler gives a completion: prompt + completion − 1 ≤ max_seq_len
        return new ScoredGroupValidator(
                policy.tokenizer().vocabSize(),
                policy.config().maxSeqLen() - prompt + 1,
                policy.config().imageSize());
    }

    /**
     * Why {@code group} cannot be trained on by a learner at {@code learnerVersion}, or empty when
     * it can. The first failing check names the reason.
     */
    public Optional<String> problem(ScoredGroup group, long learnerVersion) {
        RolloutGroup r = group.getRollout();
        return scores(group.getScores(), r.getCompletions().size())
                .or(() -> finite("reward_mean", group.getRewardMean()))
                .or(() -> finite("reward_std", group.getRewardStd()))
                .or(() -> completions(r.getCompletions()))
                .or(() -> temperature(r.getTemperature()))
                .or(() -> version(r.getPolicyVersion(), learnerVersion))
                .or(() -> promptCoordinates(r.getPromptPartition(), r.getPromptOffset()))
                .or(() -> image(r.getImage()));
    }

    /** Both -1 (unknown, e.g. written before they existed) or where a prompt record can be. */
    private static Optional<String> promptCoordinates(int partition, long offset) {
        boolean unknown = partition == -1 && offset == -1;
        if (unknown || AppliedPromptOffsets.known(partition, offset)) {
            return Optional.empty();
        }
        return Optional.of("prompt coordinates partition " + partition + ", offset " + offset
                + " are not where a prompt record can be (both -1 when unknown)");
    }

    private static Optional<String> scores(List<CompletionScore> scores, int completions) {
        if (scores.size() != completions) {
            return Optional.of(scores.size() + " scores for " + completions + " completions");
        }
        for (int k = 0; k < scores.size(); k++) {
            int i = k;
            CompletionScore s = scores.get(i);
            if (s.getIndex() != i) {
                return Optional.of("score " + i + " carries index " + s.getIndex() + ": scores must follow the"
                        + " completion order");
            }
            Optional<String> p = finite("score " + i + " format", s.getFormat())
                    .or(() -> finite("score " + i + " look", s.getLook()))
                    .or(() -> finite("score " + i + " accuracy", s.getAccuracy()))
                    .or(() -> finite("score " + i + " total", s.getTotal()))
                    .or(() -> finite("score " + i + " advantage", s.getAdvantage()))
                    .or(() -> advantageInRange(i, s.getAdvantage()));
            if (p.isPresent()) {
                return p;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> advantageInRange(int i, double advantage) {
        return Math.abs(advantage) <= MAX_ABS_ADVANTAGE
                ? Optional.empty()
                : Optional.of("score " + i + " advantage " + advantage + " is outside ±" + MAX_ABS_ADVANTAGE);
    }

    private static Optional<String> finite(String what, double value) {
        return Double.isFinite(value) ? Optional.empty() : Optional.of(what + " is " + value);
    }

    private Optional<String> completions(List<Completion> completions) {
        for (int i = 0; i < completions.size(); i++) {
            Completion c = completions.get(i);
            List<Integer> tokens = c.getTokenIds();
            if (tokens.size() > maxCompletionTokens) {
                return Optional.of("completion " + i + " has " + tokens.size() + " tokens, the policy scores at most "
                        + maxCompletionTokens);
            }
            for (int t = 0; t < tokens.size(); t++) {
                int id = tokens.get(t);
                if (id < 0 || id >= vocabSize) {
                    return Optional.of("completion " + i + " token " + t + " is id " + id
                            + ", outside the vocabulary [0, " + vocabSize + ")");
                }
            }
            List<Float> lps = c.getBehaviourLogprobs();
            if (lps.size() != tokens.size()) {
                return Optional.of("completion " + i + " has " + lps.size() + " behaviour log-probs for "
                        + tokens.size() + " tokens");
            }
            for (int t = 0; t < lps.size(); t++) {
                float lp = lps.get(t);
                if (!(lp >= MIN_BEHAVIOUR_LOG_PROB && lp <= 0)) {
                    return Optional.of("completion " + i + " behaviour log-prob " + t + " is " + lp + ", not in ["
                            + MIN_BEHAVIOUR_LOG_PROB + ", 0]");
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> temperature(double temperature) {
        return Double.isFinite(temperature) && temperature > 0
                ? Optional.empty()
                : Optional.of("sampling temperature " + temperature + " is not a finite value > 0");
    }

    private static Optional<String> version(long groupVersion, long learnerVersion) {
        return groupVersion <= learnerVersion
                ? Optional.empty()
                : Optional.of("policy version " + groupVersion + " is from the future: the learner is at v"
                        + learnerVersion + " and has published no later version");
    }

    /** Reads the PNG header for the size before decoding anything, so a huge image is never decoded. */
    private Optional<String> image(ByteBuffer inline) {
        if (inline == null) {
            return Optional.of("the rollout carries no inline image (the learner reads no image by URI)");
        }
        ByteBuffer b = inline.duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        if (bytes.length < PNG_SIGNATURE.length
                || !Arrays.equals(Arrays.copyOf(bytes, PNG_SIGNATURE.length), PNG_SIGNATURE)) {
            return Optional.of("the image is not a PNG");
        }
        Optional<String> chunks = chunkProblem(bytes);
        if (chunks.isPresent()) {
            return chunks;
        }
        try {
            Dimension size = PngImages.size(inline, null);
            if (size.width != imageSize || size.height != imageSize) {
                return Optional.of("the image is " + size.width + "×" + size.height + ", the policy reads " + imageSize
                        + "×" + imageSize);
            }
            PngImages.read(inline, null);
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of("the image does not decode as PNG: " + e.getMessage());
        }
    }

    /**
     * Walks the PNG chunks up to IEND checking each length and CRC: Java's PNG reader fills a
     * truncated or corrupted image with whatever it got, without an error.
     */
    private static Optional<String> chunkProblem(byte[] png) {
        ByteBuffer b = ByteBuffer.wrap(png);
        b.position(PNG_SIGNATURE.length);
        while (b.remaining() >= 12) {
            int start = b.position();
            long length = Integer.toUnsignedLong(b.getInt());
            if (length > b.remaining() - 8) {
                return Optional.of("the image does not decode as PNG: a chunk at byte " + start + " runs past the end");
            }
            CRC32 crc = new CRC32();
            crc.update(png, start + 4, 4 + (int) length);
            String type = new String(png, start + 4, 4, StandardCharsets.US_ASCII);
            b.position(start + 8 + (int) length);
            if ((int) crc.getValue() != b.getInt()) {
                return Optional.of("the image does not decode as PNG: chunk " + type + " fails its CRC");
            }
            if (type.equals("IEND")) {
                return Optional.empty();
            }
        }
        return Optional.of("the image does not decode as PNG: it ends before its IEND chunk");
    }
}
