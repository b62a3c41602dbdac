/**
 * The ablation study of issue 11: per seed, from one shared SFT checkpoint, a demo run per RL arm
 * (one reward variant each) plus the SFT and SFT-continued baselines, aggregated across seeds into
 * {@code study.json}, a markdown table with 95% confidence intervals, and plots.
 */
package dev.dipr1.demo.study;
