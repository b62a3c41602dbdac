package dev.dipr1.generator.engine;

import dev.dipr1.generator.CurrentPolicy;
import dev.dipr1.generator.GeneratorSettings;
import dev.dipr1.generator.GroupSampler;
import dev.dipr1.generator.RolloutGroups;
import dev.dipr1.policy.Tokenizer;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.schemas.PromptTask;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples each group with one request to an OpenAI-compatible server ({@code POST
 * /v1/chat/completions}, vLLM's dialect: see {@link ChatRequest}): n = G, the generator's
 * temperature, top-p and token budget, and the group's seed as {@link GroupSampler#seed} derives it,
 * so that {@code dipr1 serve} gives the same completions the in-process engine would. At most
 * {@code --max-in-flight} requests are open at once.
 *
 * <p><b>Failures.</b> A request that fails is sent again, up to {@code --retries} times, after a
 * doubling back-off ({@link Backoff}): no complete answer within {@code --request-timeout}, a
 * dropped or refused connection, HTTP 408, 429 or 5xx, or a 200 whose body is not the whole group
 * ({@link ChatResponse}: fewer or more than n choices, a token outside the vocabulary, a missing or
 * positive log-prob, an unknown finish reason …). When the retries are spent the prompt is
 * dead-lettered with the last reason, never turned into a zero-reward completion, which would bias
 * its group's baseline; if the server is down at that moment ({@code GET /health} fails) the engine
 * waits for it instead and tries the prompt again, so an outage stalls the generator rather than
 * emptying the prompt topic into dead letters. Another 4xx (the server rejects the request itself)
 * and a version mismatch (below) are dead-lettered without retrying.
 *
 * <p><b>Truncated completions.</b> A completion that ends because its token budget ran out
 * ({@code finish_reason: "length"}) is a legitimate sample, kept like the in-process policy's own
 * length-truncated completions: it has no complete answer, so the reward stream gives it format
 * reward 0 (spec/rewards.md §2), which is exactly the signal GRPO should learn from. What is
 * dead-lettered is a truncated or malformed <em>response</em> (a transport or protocol failure),
 * never a truncated completion.
 *
 * <p><b>Policy versions.</b> With {@code --weights-update disk|lora} a newer verified update is
 * handed to the server between batches, when no request of this generator is in flight ({@link
 * WeightsSync}); groups carry a version only after the server confirmed it, and a failed update
 * keeps the previous version and is tried again after a back-off. When the server names the version
 * that answered ({@code X-Dipr1-Policy-Version}, sent by {@code dipr1 serve}), a group whose
 * version differs from the confirmed one is dead-lettered. With {@code none} the server is not
 * told: groups carry the version the server names, or without the header the initial checkpoint's
 * (a fixed policy); a newer update counts as applied (for the generation bound) once the server
 * names it or a newer one, in an answer or on {@code GET /health}.
 */
public final class OpenAiEngine implements GenerationEngine {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiEngine.class);
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration HEALTH_POLL = Duration.ofSeconds(1);
    private static final Duration OUTAGE_LOG_EVERY = Duration.ofSeconds(30);

    private final EngineSettings engine;
    private final GeneratorSettings sampling;
    private final GroupSampler seeds;
    private final ChatResponse.Expected expected;
    private final int imageSide;
    private final ServerCalls server;
    private final WeightsSync sync;
    private final ServedCheckpoints served;
    private final ExecutorService requests;
    private final AtomicLong version;
    private final AtomicLong retries = new AtomicLong();
    private volatile String model;
    private volatile boolean stopped;
    private boolean serverSeen;
    private String refused = "";
    /** With {@code none}: the newest version reported to the generator as applied. */
    private long announced;

    private long nextProbeNanos;
    private int syncFailures;
    private long syncRetryAtNanos;

    /**
     * @param sampling G, temperature, top-p, token budget, seed, generator id, weights directory and
     *     the {@link EngineSettings} of the server
     * @param tokenizer the policy's vocabulary: responses are checked against it (not with {@code
     *     --tokenizer server}: then the server's answers are taken as its tokenizer made them, and
     *     it may be null)
     * @param imageSide the policy's input size: images are sent at it (with {@code --tokenizer
     *     server}, at their own resolution)
     * @param initialVersion the version of the checkpoint the server starts with
     * @param checkpoints reads and verifies an update's checkpoint before the server is told of it
     */
    public OpenAiEngine(
            GeneratorSettings sampling,
            Tokenizer tokenizer,
            int imageSide,
            long initialVersion,
            CurrentPolicy.Checkpoints checkpoints) {
        this.engine = sampling.engine();
        if (engine.kind() != EngineSettings.Kind.OPENAI) {
            throw new IllegalArgumentException("the OpenAI engine needs --engine openai, was " + engine.kind());
        }
        this.sampling = sampling;
        this.seeds = new GroupSampler(sampling);
        boolean serverTokenizer = engine.tokenizer() == EngineSettings.TokenizerSource.SERVER;
        this.expected = serverTokenizer
                ? ChatResponse.Expected.server(sampling.groupSize(), sampling.maxTokens(), engine.vocabSize())
                : new ChatResponse.Expected(sampling.groupSize(), sampling.maxTokens(), tokenizer);
        this.imageSide = serverTokenizer ? OWN_RESOLUTION : imageSide;
        this.version = new AtomicLong(initialVersion);
        this.announced = initialVersion;
        this.model = engine.model();
        Duration connect = engine.requestTimeout().compareTo(Duration.ofSeconds(10)) < 0
                ? engine.requestTimeout()
                : Duration.ofSeconds(10);
        this.server = new ServerCalls(engine.endpoint(), connect);
        this.sync = switch (engine.weightsUpdate()) {
            case NONE -> null;
            case DISK -> new WeightsSync.Disk(server);
            case LORA -> new WeightsSync.Lora(server, engine.model());
        };
        this.served = sync == null
                ? null
                : new ServedCheckpoints(
                        sampling.weightsDir(),
                        sampling.generatorId(),
                        checkpoints,
                        engine.weightsUpdate() == EngineSettings.WeightsUpdate.DISK);
        AtomicInteger thread = new AtomicInteger();
        this.requests = Executors.newFixedThreadPool(engine.maxInFlight(), r -> {
            Thread t = new Thread(r, sampling.generatorId() + "-request-" + thread.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public long version() {
        return version.get();
    }

    @Override
    public int imageSide() {
        return imageSide;
    }

    /** Requests sent again after a failure, so far. */
    public long retries() {
        return retries.get();
    }

    /** The model name requests carry now (a LoRA update changes it). */
    public String model() {
        return model;
    }

    @Override
    public String describe() {
        return "the server at " + engine.endpoint() + " (model " + model + ", weights update "
                + engine.weightsUpdate().label() + ", " + engine.tokenizer().label() + " tokenizer, "
                + engine.maxInFlight() + " requests in flight)";
    }

    @Override
    public List<GroupOutcome> generate(List<PromptTask> tasks, List<BufferedImage> images) {
        if (!serverSeen) {
            awaitServer("starting");
            serverSeen = true;
        }
        long v = version.get();
        String m = model;
        // Every body is ready before the first is sent: the requests reach the server together, and a
        // server that batches what is waiting (dipr1 serve) decodes them in one batch, not one and then the rest.
        List<byte[]> bodies = new ArrayList<>(tasks.size());
        List<Long> groupSeeds = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            long seed = seeds.seed(tasks.get(i), v);
            groupSeeds.add(seed);
            bodies.add(body(tasks.get(i), images.get(i), m, seed));
        }
        List<Future<GroupOutcome>> pending = new ArrayList<>(tasks.size());
        try {
            for (int i = 0; i < tasks.size(); i++) {
                byte[] body = bodies.get(i);
                long seed = groupSeeds.get(i);
                pending.add(requests.submit(() -> group(body, v, seed)));
            }
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pending.forEach(f -> f.cancel(true));
            throw new EngineStoppedException("the generator is stopping");
        }
        List<GroupOutcome> out = new ArrayList<>(tasks.size());
        try {
            for (Future<GroupOutcome> f : pending) {
                out.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.forEach(f -> f.cancel(true));
            throw new EngineStoppedException("interrupted while waiting for the server");
        } catch (ExecutionException e) {
            if (stopped || e.getCause() instanceof EngineStoppedException) {
                throw new EngineStoppedException("the generator is stopping");
            }
            throw new IllegalStateException("a request failed unexpectedly", e.getCause());
        } catch (java.util.concurrent.CancellationException e) {
            throw new EngineStoppedException("the generator is stopping");
        }
        return out;
    }

    /** The request of one group. */
    private byte[] body(PromptTask task, BufferedImage image, String m, long seed) {
        return ChatRequest.body(
                m,
                QuestionTemplate.text(task.getQuestion(), image.getWidth(), image.getHeight()),
                PngImages.encode(image),
                sampling.groupSize(),
                sampling.temperature(),
                sampling.topP(),
                sampling.maxTokens(),
                seed);
    }

    /** One group's request ({@code body}, sampled with {@code seed} under version {@code v}) until it succeeds or fails for good. */
    private GroupOutcome group(byte[] body, long v, long seed) throws InterruptedException {
        while (true) {
            AttemptFailure last = null;
            for (int attempt = 1; attempt <= engine.retries() + 1; attempt++) {
                if (stopped) {
                    throw new EngineStoppedException("the generator is stopping");
                }
                if (attempt > 1) {
                    retries.incrementAndGet();
                    Thread.sleep(Backoff.after(attempt - 1).toMillis());
                }
                try {
                    return new GroupOutcome.Generated(attempt(body, expected, v, seed));
                } catch (AttemptFailure f) {
                    last = f;
                    LOG.debug("request with seed {} attempt {}: {}", seed, attempt, f.getMessage());
                    if (!f.retriable) {
                        return new GroupOutcome.Failed(f.getMessage(), f.getCause());
                    }
                }
            }
            if (server.healthy(HEALTH_TIMEOUT)) {
                int attempts = engine.retries() + 1;
                return new GroupOutcome.Failed(
                        "the server failed " + attempts + " attempt" + (attempts == 1 ? "" : "s") + ", the last: "
                                + last.getMessage(),
                        last.getCause());
            }
            awaitServer("its requests failed (" + last.getMessage() + ")");
        }
    }

    /** One request and its checked answer. */
    private RolloutGroups.Sampled attempt(byte[] body, ChatResponse.Expected expected, long v, long seed)
            throws AttemptFailure, InterruptedException {
        long t0 = System.nanoTime();
        ServerCalls.Answer answer;
        try {
            answer = server.post("/v1/chat/completions", body, engine.requestTimeout());
        } catch (TimeoutException e) {
            throw new AttemptFailure(
                    true,
                    "no answer within --request-timeout "
                            + engine.requestTimeout().toSeconds() + " s",
                    e);
        } catch (IOException e) {
            throw new AttemptFailure(true, "the connection failed: " + describe(e), e);
        }
        long elapsedNs = System.nanoTime() - t0;
        int status = answer.status();
        if (status != 200) {
            boolean retriable = status == 408 || status == 429 || status >= 500;
            throw new AttemptFailure(
                    retriable, "HTTP " + status + ": " + ChatResponse.errorMessage(answer.body()), null);
        }
        ChatResponse.Parsed parsed;
        try {
            parsed = ChatResponse.parse(answer.body(), expected);
        } catch (MalformedResponseException e) {
            throw new AttemptFailure(true, "malformed response: " + e.getMessage(), e);
        }
        long stamped = v;
        Optional<String> header = answer.policyVersion();
        if (header.isPresent()) {
            long served;
            try {
                served = Long.parseLong(header.get().strip());
            } catch (NumberFormatException e) {
                throw new AttemptFailure(
                        true, "malformed response: " + ServerCalls.POLICY_VERSION_HEADER + " " + header.get(), e);
            }
            if (sync == null) {
                stamped = served; // the server follows the policy itself: its word is the version
                version.accumulateAndGet(served, Math::max);
            } else if (served != v) {
                throw new AttemptFailure(
                        false,
                        "the server answered with policy v" + served + " but had confirmed v" + v
                                + " (is something else updating it?)",
                        null);
            }
        }
        return new RolloutGroups.Sampled(stamped, seed, parsed.promptIds(), parsed.completions(), elapsedNs);
    }

    /** Waits until {@code GET /health} answers 200, logging now and then; gives up only when stopped. */
    private void awaitServer(String why) throws EngineStoppedException {
        long start = System.nanoTime();
        long nextLog = start;
        try {
            while (!server.healthy(HEALTH_TIMEOUT)) {
                if (stopped) {
                    throw new EngineStoppedException("the generator is stopping");
                }
                if (System.nanoTime() >= nextLog) {
                    LOG.warn(
                            "generator {}: waiting for the server at {} ({}): not healthy for {} s",
                            sampling.generatorId(),
                            engine.endpoint(),
                            why,
                            Duration.ofNanos(System.nanoTime() - start).toSeconds());
                    nextLog = System.nanoTime() + OUTAGE_LOG_EVERY.toNanos();
                }
                Thread.sleep(HEALTH_POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineStoppedException("interrupted while waiting for the server");
        }
    }

    /**
     * Hands a newer verified update to the server ({@code --weights-update disk|lora}); with {@code
     * none} the server is not told. Called between batches only.
     */
    @Override
    public CurrentPolicy.Offer offer(PolicyUpdate update, String hmac) {
        if (sync == null) {
            return followed(update);
        }
        String identity = update.getVersion() + "/" + update.getSha256();
        if (update.getVersion() <= version.get() || identity.equals(refused)) {
            return CurrentPolicy.Offer.UNCHANGED;
        }
        if (syncFailures > 0 && System.nanoTime() < syncRetryAtNanos) {
            return CurrentPolicy.Offer.UNCHANGED; // the last attempt failed: wait for the back-off
        }
        Path file;
        try {
            file = served.file(update);
        } catch (IOException | RuntimeException e) {
            refused = identity;
            String reason = "cannot hand policy update v" + update.getVersion() + " to the server: " + e.getMessage();
            LOG.error("{}; keeping v{}", reason, version.get());
            return new CurrentPolicy.Offer(false, Optional.of(reason));
        }
        try {
            model = sync.load(update, file, hmac, model);
        } catch (IOException e) {
            syncFailures++;
            Duration wait = Backoff.after(syncFailures);
            syncRetryAtNanos = System.nanoTime() + wait.toNanos();
            LOG.warn(
                    "the server did not confirm policy v{} ({}); groups keep v{}, trying again in {} ms",
                    update.getVersion(),
                    e.getMessage(),
                    version.get(),
                    wait.toMillis());
            return CurrentPolicy.Offer.UNCHANGED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineStoppedException("interrupted while the server loaded policy v" + update.getVersion());
        }
        syncFailures = 0;
        version.set(update.getVersion());
        LOG.info("the server at {} confirmed policy v{} ({})", engine.endpoint(), update.getVersion(), file);
        return CurrentPolicy.Offer.APPLIED;
    }

    /**
     * With {@code none}: {@code update} is applied once the server serves it or a newer version, as
     * its answers say or, asked at most once a second, its {@code GET /health}.
     */
    private CurrentPolicy.Offer followed(PolicyUpdate update) {
        if (update.getVersion() <= announced) {
            return CurrentPolicy.Offer.UNCHANGED;
        }
        if (version.get() < update.getVersion() && System.nanoTime() >= nextProbeNanos) {
            nextProbeNanos = System.nanoTime() + HEALTH_POLL.toNanos();
            try {
                server.servedVersion(HEALTH_TIMEOUT).ifPresent(v -> version.accumulateAndGet(v, Math::max));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineStoppedException("interrupted while asking the server for its version");
            }
        }
        if (version.get() < update.getVersion()) {
            return CurrentPolicy.Offer.UNCHANGED;
        }
        announced = version.get();
        return CurrentPolicy.Offer.APPLIED;
    }

    /** Abandons the requests in flight (their prompts are redone after a restart). */
    @Override
    public void stop() {
        stopped = true;
        requests.shutdownNow();
    }

    @Override
    public void close() {
        stopped = true;
        requests.shutdownNow();
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    /** Why one attempt did not give the group, and whether another attempt might. */
    private static final class AttemptFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean retriable;

        AttemptFailure(boolean retriable, String message, Throwable cause) {
            super(message, cause);
            this.retriable = retriable;
        }
    }
}
