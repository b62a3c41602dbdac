package dev.dipr1.server;

import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * The policy being served, its version and the SHA-256 of the checkpoint it came from. Decoding
 * holds the read lock for a whole batch and a swap takes the write lock, so a batch never mixes two
 * versions: a swap waits for the batch in progress (which finishes on the old weights), and a batch
 * that would start during a swap waits for it (the lock is fair, so a waiting swap goes first).
 * Owns (and closes) the policy it holds.
 */
final class LoadedPolicy implements AutoCloseable {

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);
    private final PolicyConfig config;
    private Policy policy;
    private volatile long version;
    private volatile String sha256;

    /** Serves {@code initial}, whose checkpoint bytes hash to {@code sha256}. */
    LoadedPolicy(Policy initial, String sha256) {
        this.policy = initial;
        this.config = initial.config();
        this.version = initial.version();
        this.sha256 = sha256;
    }

    /** {@code work} on the current policy, which stays current until it returns. */
    <T> T read(Function<Policy, T> work) {
        lock.readLock().lock();
        try {
            return work.apply(policy);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Serves {@code next} from now on (after the batch in progress); closes the policy it replaces. */
    void swap(Policy next, String nextSha256) {
        if (!next.config().equals(config)) {
            throw new IllegalArgumentException("a swapped-in policy must have the served architecture");
        }
        lock.writeLock().lock();
        try {
            Policy old = policy;
            policy = next;
            version = next.version();
            sha256 = nextSha256;
            old.close();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Runs {@code whileHeld} with the write lock held, as a swap does: no batch starts meanwhile,
     * requests queue up (how a test lines up concurrent requests for one batch).
     */
    void holding(Runnable whileHeld) {
        lock.writeLock().lock();
        try {
            whileHeld.run();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The served version (of the policy the next batch will use). */
    long version() {
        return version;
    }

    /** The SHA-256 of the served checkpoint's bytes. */
    String sha256() {
        return sha256;
    }

    /** The architecture: the same for every policy served. */
    PolicyConfig config() {
        return config;
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            policy.close();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
