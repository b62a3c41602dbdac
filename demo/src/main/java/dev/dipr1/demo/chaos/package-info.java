/**
 * {@code dipr1 chaos}: the whole pipeline as child JVMs on a real broker, faults injected on a seeded
 * schedule ({@link dev.dipr1.demo.chaos.ChaosSchedule}), and a verdict read back from the topics and the
 * learner's step log ({@link dev.dipr1.demo.chaos.ChaosVerdict}), run by {@link dev.dipr1.demo.chaos.ChaosRun}.
 */
package dev.dipr1.demo.chaos;
