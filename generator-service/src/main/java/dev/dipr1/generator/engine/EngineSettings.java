package dev.dipr1.generator.engine;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Which engine samples a generator's groups and, for an inference server, how to talk to it. The
 * constructor checks every field and reports all problems at once, each naming the option to change.
 *
 * @param kind {@code djl}: the in-process policy (the default); {@code openai}: an OpenAI-compatible
 *     server (vLLM, SGLang, {@code dipr1 serve}) at {@code endpoint}
 * @param endpoint the server's base URL, e.g. {@code http://gpu-node-1:8000} (the engine appends
 *     {@code /v1/chat/completions}); null with {@code djl}
 * @param model the {@code model} of each request (vLLM: the served model name) until a LoRA update
 *     names another
 * @param weightsUpdate how a new policy version reaches the server (see {@link WeightsUpdate})
 * @param maxInFlight the most chat requests open at once (each is one group of G completions)
 * @param requestTimeout how long one request may take, answer included, before it counts as failed
 * @param retries how often a failed request is sent again (with doubling back-off) before the prompt
 *     is dead-lettered
 * @param tokenizer whose tokenizer the server's answers are checked against (see {@link TokenizerSource})
 * @param vocabSize with {@code --tokenizer server}: token ids must be below it; 0 when not given (any
 *     non-negative id); must be 0 with {@code policy} (the policy's vocabulary is the bound)
 */
public record EngineSettings(
        Kind kind,
        URI endpoint,
        String model,
        WeightsUpdate weightsUpdate,
        int maxInFlight,
        Duration requestTimeout,
        int retries,
        TokenizerSource tokenizer,
        int vocabSize) {

    /** Whose tokenizer made the token ids, the text and the prompt ids of a server's answer. */
    public enum TokenizerSource {
        /**
         * The {@code --checkpoint} DJL policy's (today's {@code dipr1 serve}): ids inside its vocabulary,
         * {@code <eos>} where the finish reason says, the text its decoding of the ids, the prompt its
         * prompt; images are sent at its input size.
         */
        POLICY,
        /**
         * The server's own (a real MLLM on vLLM or SGLang): ids, text and prompt ids are taken as the
         * server sends them, after the checks that need no vocabulary; images are sent at their own
         * resolution.
         */
        SERVER;

        /** The command-line spelling: {@code policy} or {@code server}. */
        public String label() {
            return CommandLineLabels.of(this);
        }

        /** The source spelled {@code label} on the command line. */
        public static TokenizerSource parse(String label) {
            return CommandLineLabels.parse(values(), "--tokenizer", label);
        }
    }

    /** Where completions come from. */
    public enum Kind {
        /** The in-process DJL policy. */
        DJL,
        /** An OpenAI-compatible chat completions server. */
        OPENAI;

        /** The command-line spelling: {@code djl} or {@code openai}. */
        public String label() {
            return CommandLineLabels.of(this);
        }

        /** The kind spelled {@code label} on the command line. */
        public static Kind parse(String label) {
            return CommandLineLabels.parse(values(), "--engine", label);
        }
    }

    /** How the server learns of a new policy version. */
    public enum WeightsUpdate {
        /**
         * Never told: the server follows the policy itself (reporting its version in {@code
         * X-Dipr1-Policy-Version}) or serves a fixed policy.
         */
        NONE,
        /** SGLang's {@code POST /update_weights_from_disk} with the checkpoint's path (also {@code dipr1 serve}). */
        DISK,
        /** vLLM's {@code POST /v1/load_lora_adapter}; the adapter's name becomes the request's {@code model}. */
        LORA;

        /** The command-line spelling: {@code none}, {@code disk} or {@code lora}. */
        public String label() {
            return CommandLineLabels.of(this);
        }

        /** The mode spelled {@code label} on the command line. */
        public static WeightsUpdate parse(String label) {
            return CommandLineLabels.parse(values(), "--weights-update", label);
        }
    }

    /** The model name {@code dipr1 serve} answers to. */
    public static final String DEFAULT_MODEL = "dipr1-policy";
    /** The generator's default prompts per batch: every group of a batch in flight at once. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 8;
    /**
     * Far above a group of our policy on a CPU (well under a second) and a few hundred tokens of a
     * real model on a GPU; a long-reasoning model may need more.
     */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(120);
    /** A blip (a restart, an overloaded moment) is retried; a request failing four times is the prompt's fault. */
    public static final int DEFAULT_RETRIES = 3;
    /** More would be a typo: the server queues what it cannot decode at once. */
    public static final int MAX_IN_FLIGHT = 1024;
    /** A request taking longer than an hour is a hung server, not a slow one. */
    public static final Duration MAX_REQUEST_TIMEOUT = Duration.ofHours(1);
    /** With doubling back-off, more retries would wait for hours. */
    public static final int MAX_RETRIES = 20;

    public EngineSettings {
        List<String> errors = new ArrayList<>();
        if (kind == null) {
            errors.add("--engine must be djl or openai");
        }
        if (weightsUpdate == null) {
            errors.add("--weights-update must be none, disk or lora");
        }
        if (kind == Kind.OPENAI) {
            if (endpoint == null) {
                errors.add("--endpoint is required with --engine openai: the server's base URL, e.g. "
                        + "http://localhost:8000");
            } else {
                endpointProblem(endpoint).ifPresent(errors::add);
            }
        }
        if (kind == Kind.DJL) {
            if (endpoint != null) {
                errors.add("--endpoint is for --engine openai; the djl engine samples in process");
            }
            if (weightsUpdate != null && weightsUpdate != WeightsUpdate.NONE) {
                errors.add("--weights-update is for --engine openai; the djl engine loads every update itself");
            }
        }
        if (model == null || model.isBlank()) {
            errors.add("--model must not be blank (the served model name, " + DEFAULT_MODEL + " for dipr1 serve)");
        }
        if (maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT) {
            errors.add("--max-in-flight must be between 1 and " + MAX_IN_FLIGHT + ", was " + maxInFlight);
        }
        if (requestTimeout == null
                || requestTimeout.isNegative()
                || requestTimeout.isZero()
                || requestTimeout.compareTo(MAX_REQUEST_TIMEOUT) > 0) {
            errors.add("--request-timeout must be positive and at most " + MAX_REQUEST_TIMEOUT.toSeconds()
                    + " seconds, was " + (requestTimeout == null ? "missing" : requestTimeout.toSeconds()));
        }
        if (retries < 0 || retries > MAX_RETRIES) {
            errors.add("--retries must be between 0 and " + MAX_RETRIES + ", was " + retries);
        }
        if (tokenizer == null) {
            errors.add("--tokenizer must be policy or server");
        } else if (tokenizer == TokenizerSource.SERVER && kind == Kind.DJL) {
            errors.add("--tokenizer server is for --engine openai; the djl engine is the policy");
        }
        if (vocabSize < 0) {
            errors.add("--vocab-size must not be negative, was " + vocabSize);
        } else if (vocabSize > 0 && tokenizer != TokenizerSource.SERVER) {
            errors.add("--vocab-size is for --tokenizer server; with policy the policy's vocabulary is the bound");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid engine settings: " + String.join("; ", errors));
        }
        if (endpoint != null) {
            endpoint = withoutTrailingSlash(endpoint);
        }
    }

    /** Settings checked against the policy's tokenizer ({@code --tokenizer policy}, the default). */
    public EngineSettings(
            Kind kind,
            URI endpoint,
            String model,
            WeightsUpdate weightsUpdate,
            int maxInFlight,
            Duration requestTimeout,
            int retries) {
        this(kind, endpoint, model, weightsUpdate, maxInFlight, requestTimeout, retries, TokenizerSource.POLICY, 0);
    }

    /** The in-process engine: today's behaviour. */
    public static EngineSettings djl() {
        return new EngineSettings(
                Kind.DJL,
                null,
                DEFAULT_MODEL,
                WeightsUpdate.NONE,
                DEFAULT_MAX_IN_FLIGHT,
                DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_RETRIES);
    }

    /** The HTTP engine at {@code endpoint} with the defaults, telling the server of new versions by {@code update}. */
    public static EngineSettings openAi(URI endpoint, WeightsUpdate update) {
        return new EngineSettings(
                Kind.OPENAI,
                endpoint,
                DEFAULT_MODEL,
                update,
                DEFAULT_MAX_IN_FLIGHT,
                DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_RETRIES);
    }

    /** These settings with another model name. */
    public EngineSettings withModel(String name) {
        return new EngineSettings(
                kind, endpoint, name, weightsUpdate, maxInFlight, requestTimeout, retries, tokenizer, vocabSize);
    }

    /** These settings checking answers against {@code source}'s tokenizer, ids below {@code vocab} (0: unbounded). */
    public EngineSettings withTokenizer(TokenizerSource source, int vocab) {
        return new EngineSettings(
                kind, endpoint, model, weightsUpdate, maxInFlight, requestTimeout, retries, source, vocab);
    }

    /** These settings with other request bounds. */
    public EngineSettings withRequests(int inFlight, Duration timeout, int retryCount) {
        return new EngineSettings(
                kind, endpoint, model, weightsUpdate, inFlight, timeout, retryCount, tokenizer, vocabSize);
    }

    /** {@code path} under the endpoint, e.g. {@code /v1/chat/completions}. */
    public URI resolve(String path) {
        return URI.create(endpoint.toString() + path);
    }

    private static java.util.Optional<String> endpointProblem(URI endpoint) {
        String scheme = endpoint.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            return java.util.Optional.of("--endpoint must be an http or https URL, was " + endpoint);
        }
        if (endpoint.getHost() == null) {
            return java.util.Optional.of("--endpoint must name a host, was " + endpoint);
        }
        if (endpoint.getPath() != null
                && endpoint.getPath().replaceAll("/+$", "").endsWith("/v1")) {
            return java.util.Optional.of("--endpoint is the server's root URL: leave out the /v1 (the engine adds "
                    + "/v1/chat/completions), was " + endpoint);
        }
        if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
            return java.util.Optional.of(
                    "--endpoint is the server's base URL, without a query or fragment, was " + endpoint);
        }
        return java.util.Optional.empty();
    }

    private static URI withoutTrailingSlash(URI uri) {
        String s = uri.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return URI.create(s);
    }
}
