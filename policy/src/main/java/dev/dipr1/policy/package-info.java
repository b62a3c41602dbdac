/**
 * The policy: a small image → text model in DJL (PyTorch engine, CPU), its checkpoints, sampling
 * and supervised training.
 *
 * <ul>
 *   <li>{@link dev.dipr1.policy.Tokenizer} and {@link dev.dipr1.policy.TargetTemplate}: the token
 *       vocabulary, the canonical completion text of rewards.md §1 and the SFT targets;
 *   <li>{@link dev.dipr1.policy.Policy}: the facade: weights, teacher-forced log-probs and the
 *       one-file checkpoint; {@link dev.dipr1.policy.PolicyConfig} its architecture. Behind it,
 *       package-private: {@code ParameterLayout} (names, shapes, seeded initialisation),
 *       {@code ImageEncoder} and {@code TextDecoder} (the forward pass, one decoder layer for
 *       full and KV-cached decoding), {@code Attention} (the one multi-head attention),
 *       {@code Layers}, {@code KvCache}, {@code InputPacking}, and {@code CheckpointCodec} over
 *       {@code TensorCodec} (the one binary form of named float tensors, shared with
 *       {@link dev.dipr1.policy.AdamW}'s state);
 *   <li>{@link dev.dipr1.policy.Sampler}: KV-cached batched sampling with behaviour log-probs, and
 *       greedy decoding; {@link dev.dipr1.policy.SamplingSettings} how;
 *   <li>{@link dev.dipr1.policy.AdamW}, {@link dev.dipr1.policy.SftTrainer},
 *       {@link dev.dipr1.policy.SftSettings}: training;
 *   <li>{@link dev.dipr1.policy.Evaluator}: greedy detection metrics, one
 *       {@link dev.dipr1.policy.ImageScore} per image; {@link dev.dipr1.policy.Metrics} and
 *       {@link dev.dipr1.policy.AveragePrecision} compute them from those records,
 *       {@link dev.dipr1.policy.BoxConfidence} ranks the boxes, and
 *       {@link dev.dipr1.policy.PairedBootstrap} puts intervals on any of them;
 *   <li>{@link dev.dipr1.policy.DjlEnvironment}: offline and thread settings, called first.
 * </ul>
 *
 * <p>DJL rules this package follows (each cost a bug to find): arrays made from Java data wrap a
 * Java direct buffer without copying, so nothing the autograd graph saves may be closed before
 * {@code backward()}; memory is freed only when an {@code NDScope}/{@code NDManager} closes, and
 * the result of an operation belongs to its first operand's manager (so operations on parameters
 * would pile up in the policy's manager without a scope); grad mode is per thread.
 */
package dev.dipr1.policy;
