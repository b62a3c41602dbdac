/**
 * The GRPO learner. {@link dev.dipr1.learner.LearnerService} owns Kafka in and out, positions
 * and checkpoints; between them run pure pieces in algorithm order: {@link
 * dev.dipr1.learner.GroupFilter} (which groups enter a batch), {@link dev.dipr1.learner.BatchTensors}
 * (groups to arrays), {@link dev.dipr1.learner.GrpoStep} with {@link dev.dipr1.learner.GrpoLoss}
 * (one optimisation step), and {@link dev.dipr1.learner.StepStats} (what a step measured).
 */
package dev.dipr1.learner;
