/**
 * The demo harness behind {@code dipr1 demo}: one run from data and SFT through the closed GRPO loop
 * (components as threads or child JVMs, watched together) to evaluation and the report. It owns the
 * mapping from the demo's settings to each child service's arguments, the files a learner in another
 * JVM reports back through, and how progress is shown.
 */
package dev.dipr1.demo;
