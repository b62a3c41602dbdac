/**
 * {@code dipr1 serve}: the DJL policy behind the OpenAI-compatible chat-completions subset of issue
 * 12 (vLLM dialect: token ids and behaviour log-probs per choice), with SGLang's {@code POST
 * /update_weights_from_disk} to follow the learner's versions. {@link dev.dipr1.server.PolicyServer}
 * holds the routes and calls the pieces: {@code ChatRequest} (parse and check a body), {@code
 * DataUrlImage} (the bounded image), {@code BatchingSampler} (a bounded queue, one decoder, several
 * requests per batch), {@code LoadedPolicy} (the served version, swapped under a lock), {@code
 * WeightsLoader} (a checked checkpoint from the weights directory) and {@code ChatResponse} (the JSON).
 */
package dev.dipr1.server;
