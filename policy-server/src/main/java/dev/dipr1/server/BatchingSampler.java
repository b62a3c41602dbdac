package dev.dipr1.server;

import dev.dipr1.policy.Policy;
import dev.dipr1.policy.SampledCompletion;
import dev.dipr1.policy.Sampler;
import dev.dipr1.policy.SamplingSettings;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests waiting to be sampled, and the one thread that samples them. The decoder takes the
 * oldest waiting request and up to P − 1 more that can share its batch (same n, temperature, top-p
 * and token budget; the sampler needs one of each per batch), in arrival order, and samples them in
 * one {@link Sampler#sampleGroups} call, each with its own seed — so each gets the completions it
 * would get alone. At most {@code maxQueue} requests wait; one more is refused at once ({@link
 * Overloaded}, a 503). A batch holds {@link LoadedPolicy}'s read lock from before it takes its
 * requests until it has sampled them, so it uses one policy version, and requests that arrive during
 * a weights swap wait for the new version.
 */
final class BatchingSampler implements AutoCloseable {

    /** The queue is full: the caller answers 503. */
    static final class Overloaded extends Exception {
        private static final long serialVersionUID = 1L;

        Overloaded(String message) {
            super(message);
        }
    }

    /**
     * A request's completions and the policy version that made them.
     *
     * @param promptIds the policy's prompt token ids
     * @param batchPrompts how many requests shared the decoding batch
     */
    record Sampled(long policyVersion, int[] promptIds, List<SampledCompletion> completions, int batchPrompts) {}

    /** What was decoded so far: batches and the requests in them. */
    record Stats(long batches, long requests) {}

    private record Job(ChatRequest request, float[] pixels, CompletableFuture<Sampled> result) {}

    private static final Logger LOG = LoggerFactory.getLogger(BatchingSampler.class);

    private final LoadedPolicy policy;
    private final int maxBatchPrompts;
    private final int maxQueue;
    private final Sampler sampler = new Sampler();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition waiting = lock.newCondition();
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private final Thread decoder;
    private boolean closed;
    private long batches;
    private long requests;

    BatchingSampler(LoadedPolicy policy, int maxBatchPrompts, int maxQueue) {
        this.policy = policy;
        this.maxBatchPrompts = maxBatchPrompts;
        this.maxQueue = maxQueue;
        this.decoder = new Thread(this::decodeLoop, "serve-decoder");
        decoder.setDaemon(true);
        decoder.start();
    }

    /** Queues {@code request} (its image already as the policy's pixels); completes when it is sampled. */
    CompletableFuture<Sampled> submit(ChatRequest request, float[] pixels) throws Overloaded {
        Job job = new Job(request, pixels, new CompletableFuture<>());
        lock.lock();
        try {
            if (closed) {
                throw new Overloaded("the server is stopping");
            }
            if (queue.size() >= maxQueue) {
                throw new Overloaded(queue.size() + " requests are waiting already (--max-queue " + maxQueue
                        + "); try again later or another server");
            }
            queue.addLast(job);
            waiting.signal();
        } finally {
            lock.unlock();
        }
        return job.result();
    }

    /** Requests waiting for the decoder. */
    int waitingRequests() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    Stats stats() {
        lock.lock();
        try {
            return new Stats(batches, requests);
        } finally {
            lock.unlock();
        }
    }

    private void decodeLoop() {
        while (awaitWork()) {
            List<Job> batch = new ArrayList<>();
            try {
                List<Sampled> out = policy.read(p -> {
                    batch.addAll(takeBatch());
                    return sample(p, batch);
                });
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).result().complete(out.get(i));
                }
            } catch (RuntimeException | Error e) {
                LOG.error("sampling a batch of {} requests failed", batch.size(), e);
                for (Job j : batch) {
                    j.result().completeExceptionally(e);
                }
                if (e instanceof Error err && !(e instanceof OutOfMemoryError)) {
                    // the decoder cannot go on: fail what waits rather than leave it waiting forever
                    stop();
                    failWaiting();
                    throw err;
                }
            }
        }
        failWaiting();
    }

    /** Waits until a request waits; false once closed. */
    private boolean awaitWork() {
        lock.lock();
        try {
            while (queue.isEmpty() && !closed) {
                waiting.awaitUninterruptibly();
            }
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    /** The oldest request and up to P − 1 later ones that can share its batch, taken off the queue. */
    private List<Job> takeBatch() {
        lock.lock();
        try {
            List<Job> batch = new ArrayList<>();
            Job first = queue.pollFirst();
            if (first == null) {
                return batch;
            }
            batch.add(first);
            int rows = first.request().n();
            for (Iterator<Job> it = queue.iterator(); it.hasNext() && batch.size() < maxBatchPrompts; ) {
                Job j = it.next();
                if (j.request().batchesWith(first.request())
                        && rows + j.request().n() <= Sampler.MAX_GROUP_SIZE) {
                    batch.add(j);
                    rows += j.request().n();
                    it.remove();
                }
            }
            if (!batch.isEmpty()) {
                batches++;
                requests += batch.size();
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    private List<Sampled> sample(Policy p, List<Job> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        List<float[]> images = new ArrayList<>(batch.size());
        List<SamplingSettings> settings = new ArrayList<>(batch.size());
        for (Job j : batch) {
            images.add(j.pixels());
            settings.add(j.request().sampling());
        }
        int n = batch.get(0).request().n();
        List<List<SampledCompletion>> groups = sampler.sampleGroups(p, images, n, settings);
        int[] prompt = p.tokenizer().promptIds();
        List<Sampled> out = new ArrayList<>(batch.size());
        for (List<SampledCompletion> g : groups) {
            out.add(new Sampled(p.version(), prompt, g, batch.size()));
        }
        return out;
    }

    private void stop() {
        lock.lock();
        try {
            closed = true;
            waiting.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void failWaiting() {
        lock.lock();
        try {
            for (Job j : queue) {
                j.result().completeExceptionally(new Overloaded("the server stopped before sampling this request"));
            }
            queue.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Stops taking requests; the batch in progress finishes, waiting requests fail (503). */
    @Override
    public void close() {
        stop();
        try {
            decoder.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
