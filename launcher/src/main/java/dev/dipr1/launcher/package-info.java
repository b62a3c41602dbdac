/**
 * The {@code dipr1} command line: thin picocli commands that parse options into the settings
 * records of the modules they call (services, benchmarks, evaluation, and the demo harness in
 * {@code dev.dipr1.demo}), plus the shared option mixins and the Prometheus endpoint.
 */
package dev.dipr1.launcher;
