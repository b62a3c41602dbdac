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
 *
 * <p>Waiting for company: a batch lasts as long as its longest completion whatever its size, so k
 * clients that each wait for their answer before asking again would otherwise settle into
 * alternating batches (1, k − 1, 1, k − 1, …: the one request that arrived first is decoded alone
 * while the others arrive). So when fewer requests wait than were in flight during the last batch
 * (at most P), the decoder waits for them up to {@code batchWaitNanos} before it starts the batch. A
 * lone client never waits: one request was in flight.
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

    /** What was decoded so far: batches, the requests in them, and the time spent sampling them. */
    record Stats(long batches, long requests, long samplingNanos) {}

    private record Job(ChatRequest request, float[] pixels, CompletableFuture<Sampled> result) {}

    private static final Logger LOG = LoggerFactory.getLogger(BatchingSampler.class);

    private final LoadedPolicy policy;
    private final int maxBatchPrompts;
    private final int maxQueue;
    private final long batchWaitNanos;
    private final Sampler sampler = new Sampler();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private final Thread decoder;
    private boolean closed;
    /** Requests submitted and not yet sampled: waiting or in the batch being decoded. */
    private int inFlight;
    /** The most requests in flight since the current (or last) batch started. */
    private int peakInFlight;

    private long batches;
    private long requests;
    private long samplingNanos;

    /**
     * @param maxBatchPrompts P, the most requests per batch
     * @param maxQueue the most requests waiting
     * @param batchWaitNanos the longest the oldest request waits for the company it expects
     */
    BatchingSampler(LoadedPolicy policy, int maxBatchPrompts, int maxQueue, long batchWaitNanos) {
        this.policy = policy;
        this.maxBatchPrompts = maxBatchPrompts;
        this.maxQueue = maxQueue;
        this.batchWaitNanos = batchWaitNanos;
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
            inFlight++;
            peakInFlight = Math.max(peakInFlight, inFlight);
            arrived.signal();
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
            return new Stats(batches, requests, samplingNanos);
        } finally {
            lock.unlock();
        }
    }

    private void decodeLoop() {
        while (awaitWork()) {
            awaitCompany();
            List<Job> batch = new ArrayList<>();
            try {
                List<Sampled> out = policy.read(p -> {
                    batch.addAll(takeBatch());
                    return sample(p, batch);
                });
                finished(batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).result().complete(out.get(i));
                }
            } catch (RuntimeException | Error e) {
                LOG.error("sampling a batch of {} requests failed", batch.size(), e);
                finished(batch.size());
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
                arrived.awaitUninterruptibly();
            }
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until as many requests that can share the oldest one's batch wait as were in flight
     * during the last batch (at most P), or for {@code batchWaitNanos}.
     */
    private void awaitCompany() {
        lock.lock();
        try {
            Job first = queue.peekFirst();
            if (first == null) {
                return;
            }
            int expected = Math.min(maxBatchPrompts, peakInFlight);
            // from now, not from the oldest's arrival: it may have arrived during the last batch, and
            // the others it expects are those that batch answers
            long deadline = System.nanoTime() + batchWaitNanos;
            long left;
            while (!closed && companions(first) < expected && (left = deadline - System.nanoTime()) > 0) {
                try {
                    arrived.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waiting requests that can share {@code first}'s batch, {@code first} included. */
    private int companions(Job first) {
        int n = 0;
        for (Job j : queue) {
            if (j.request().batchesWith(first.request())) {
                n++;
            }
        }
        return n;
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
            batches++;
            requests += batch.size();
            peakInFlight = inFlight;
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
        long t0 = System.nanoTime();
        List<List<SampledCompletion>> groups = sampler.sampleGroups(p, images, n, settings);
        long elapsed = System.nanoTime() - t0;
        lock.lock();
        try {
            samplingNanos += elapsed;
        } finally {
            lock.unlock();
        }
        int[] prompt = p.tokenizer().promptIds();
        List<Sampled> out = new ArrayList<>(batch.size());
        for (List<SampledCompletion> g : groups) {
            out.add(new Sampled(p.version(), prompt, g, batch.size()));
        }
        return out;
    }

    private void finished(int sampled) {
        lock.lock();
        try {
            inFlight -= sampled;
        } finally {
            lock.unlock();
        }
    }

    private void stop() {
        lock.lock();
        try {
            closed = true;
            arrived.signalAll();
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
            inFlight -= queue.size();
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
