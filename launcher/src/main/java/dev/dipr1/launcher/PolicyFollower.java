package dev.dipr1.launcher;

import dev.dipr1.generator.PolicyWatcher;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.server.PolicyServer;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.PolicyKey;
import dev.dipr1.topics.Topic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code dipr1 serve --follow-policy}: the generator's {@link PolicyWatcher} on the policy topic (the
 * same checks: plausible version and size, weights inline or inside {@code --weights-dir}, with
 * {@code --policy-key} the learner's MAC), and each newer update it remembers handed to the server.
 * An update the server refuses (a broken checkpoint) is logged once and not tried again. One thread,
 * which owns the watcher's consumer.
 */
final class PolicyFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyFollower.class);
    private static final Duration POLL = Duration.ofSeconds(1);

    private final PolicyServer server;
    private final Thread thread;
    private final PolicyWatcher watcher;
    private volatile boolean stopping;
    private String refused = "";

    PolicyFollower(
            ClientSettings kafka,
            Topic<String, PolicyUpdate> topic,
            Path weightsDir,
            PolicyKey key,
            PolicyServer server) {
        this.server = server;
        this.watcher = new PolicyWatcher(kafka, topic, weightsDir);
        if (key != null) {
            watcher.requireSignedBy(key);
        }
        this.thread = new Thread(this::run, "serve-policy-follower");
        thread.setDaemon(true);
        thread.start();
        LOG.info("following {} for newer policy versions", topic.name());
    }

    private void run() {
        try {
            while (!stopping) {
                Optional<PolicyUpdate> newest = watcher.poll(POLL);
                if (newest.isEmpty()) {
                    continue;
                }
                PolicyUpdate u = newest.get();
                String identity = u.getVersion() + "/" + u.getSha256();
                if (u.getVersion() <= server.policyVersion() || refused.equals(identity)) {
                    continue;
                }
                Optional<String> why = server.follow(u);
                if (why.isPresent()) {
                    refused = identity;
                    LOG.error("policy v{} from the topic refused: {}", u.getVersion(), why.get());
                }
            }
        } catch (RuntimeException e) {
            LOG.error("following the policy topic failed; serving v{} from now on", server.policyVersion(), e);
        } finally {
            watcher.close();
        }
    }

    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
