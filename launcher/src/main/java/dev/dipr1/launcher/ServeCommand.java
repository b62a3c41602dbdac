package dev.dipr1.launcher;

import dev.dipr1.policy.Policy;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.server.PolicyServer;
import dev.dipr1.server.ServerSettings;
import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.PolicyKey;
import dev.dipr1.topics.PolicyUpdates;
import dev.dipr1.topics.TopicAdmin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Serves a policy over the OpenAI-compatible API subset (issue 12). */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Serve a policy checkpoint over HTTP: POST /v1/chat/completions (OpenAI chat API, vLLM dialect: "
                + "n, seed, logprobs, return_tokens_as_token_ids, return_token_ids; one image as a data: URL), "
                + "GET /v1/models, GET /health, and POST /update_weights_from_disk (SGLang) to load a newer "
                + "checkpoint from --weights-dir; with --follow-policy also every newer version on the policy topic. "
                + "Concurrent requests are decoded in batches.")
final class ServeCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(
            names = "--follow-policy",
            description = "Also follow the policy topic (needs --bootstrap-servers) and serve every newer verified "
                    + "version, as a generator does.")
    boolean followPolicy;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "The policy to serve first.")
    Path checkpoint;

    @Option(
            names = "--port",
            required = true,
            paramLabel = "N",
            description = "Port to listen on; 0 = a free port, printed on start.")
    int port;

    @Option(
            names = "--bind",
            defaultValue = ServerSettings.DEFAULT_BIND,
            paramLabel = "ADDR",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String bind;

    @Option(
            names = "--weights-dir",
            paramLabel = "DIR",
            description = "Where /update_weights_from_disk may read checkpoints (the learner's --policy-dir); "
                    + "without it every weights update is refused.")
    Path weightsDir;

    @Option(
            names = "--policy-key",
            paramLabel = "FILE",
            description = "Load only weights updates signed with the secret in FILE (the learner's --policy-key).")
    Path policyKey;

    @Option(
            names = "--max-batch-prompts",
            defaultValue = "" + ServerSettings.DEFAULT_MAX_BATCH_PROMPTS,
            paramLabel = "P",
            description = "Most requests decoded in one batch (default: ${DEFAULT-VALUE}).")
    int maxBatchPrompts;

    @Option(
            names = "--max-queue",
            defaultValue = "" + ServerSettings.DEFAULT_MAX_QUEUE,
            paramLabel = "Q",
            description = "Most requests waiting to be decoded; more are answered 503 (default: ${DEFAULT-VALUE}).")
    int maxQueue;

    @Option(
            names = "--batch-wait-ms",
            defaultValue = "" + ServerSettings.DEFAULT_BATCH_WAIT_MILLIS,
            paramLabel = "MS",
            description =
                    "Longest a request waits for the others the decoder expects (as many as were in flight "
                            + "during the last batch, at most P) before its batch starts; 0 = never (default: ${DEFAULT-VALUE}).")
    int batchWaitMillis;

    @Option(
            names = "--max-n",
            defaultValue = "" + ServerSettings.DEFAULT_MAX_N,
            paramLabel = "N",
            description = "Largest n (completions per request) accepted (default: ${DEFAULT-VALUE}).")
    int maxN;

    @Option(
            names = "--model",
            defaultValue = ServerSettings.DEFAULT_MODEL,
            paramLabel = "NAME",
            description = "The model name requests must use (default: ${DEFAULT-VALUE}).")
    String model;

    @Override
    public Integer call() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        PolicyServer server = open();
        PolicyFollower follower = followPolicy ? follow(server) : null;
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            if (follower != null) {
                                follower.close();
                            }
                            server.close();
                            stopped.countDown();
                        },
                        "serve-shutdown"));
        System.out.println("dipr1 serve: listening on " + server.baseUri() + " (model " + model + ", policy v"
                + server.policyVersion() + ")");
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** With {@code --follow-policy}: the policy topic's newer versions handed to {@code server}. */
    PolicyFollower follow(PolicyServer server) throws Exception {
        PolicyKey key = policyKey == null ? null : PolicyKey.read(policyKey);
        try (Admin admin = KafkaClients.admin(kafka.settings())) {
            new TopicAdmin(admin, kafka.replicationFactor, kafka.settings().timeout())
                    .ensure(List.of(kafka.catalog().policy()));
        }
        return new PolicyFollower(kafka.settings(), kafka.catalog().policy(), weightsDir, key, server);
    }

    /** Checks the options, loads the checkpoint and starts the server (which then owns the policy). */
    PolicyServer open() throws Exception {
        PolicyKey key = policyKey == null ? null : PolicyKey.read(policyKey); // a bad key file stops us first
        if (followPolicy) {
            TopicsCommand.requireBootstrap(kafka);
        }
        FileArguments.requireFile("--checkpoint", checkpoint, FileArguments.CHECKPOINT_HINT);
        FileArguments.requireDirectory(
                "--weights-dir", weightsDir, "pass the directory the learner writes policy checkpoints to");
        ServerSettings settings = new ServerSettings(
                model,
                bind,
                port,
                maxBatchPrompts,
                maxQueue,
                batchWaitMillis,
                maxN,
                ServerSettings.DEFAULT_MAX_BODY_BYTES,
                ServerSettings.DEFAULT_MAX_IMAGE_BYTES,
                PngImages.MAX_PIXELS,
                weightsDir,
                key,
                ServerSettings.DEFAULT_MAX_VERSION_JUMP);
        byte[] bytes = Files.readAllBytes(checkpoint);
        Policy policy = Policy.fromBytes(bytes);
        try {
            return PolicyServer.start(settings, policy, PolicyUpdates.sha256(bytes));
        } catch (RuntimeException | java.io.IOException e) {
            policy.close();
            throw e;
        }
    }
}
