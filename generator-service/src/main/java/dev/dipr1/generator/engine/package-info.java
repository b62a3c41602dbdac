/**
 * What samples a generator's groups ({@link dev.dipr1.generator.engine.GenerationEngine}): the
 * in-process DJL policy ({@link dev.dipr1.generator.engine.DjlEngine}) or an OpenAI-compatible
 * inference server ({@link dev.dipr1.generator.engine.OpenAiEngine}: the request and the checks of
 * its answer are the pure {@link dev.dipr1.generator.engine.ChatRequest} and {@link
 * dev.dipr1.generator.engine.ChatResponse}; a new policy version reaches the server through {@link
 * dev.dipr1.generator.engine.WeightsSync}).
 */
package dev.dipr1.generator.engine;
