package dev.dipr1.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

/** Threads for work beside the calling thread, and work shared between it and tasks on copies of a policy. */
final class Workers {

    private Workers() {}

    /** Threads named {@code name} that do not keep the JVM alive. */
    static ThreadFactory daemonThreads(String name) {
        return runnable -> {
            Thread t = new Thread(runnable, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Runs {@code own} on this thread, then waits for every one of {@code others}, even after a failure or an
     * interrupt (re-asserted at the end): a task still running must not see its copy of the policy closed under
     * it. Returns {@code own}'s value, then the others' in order; throws the first failure, {@code own}'s first.
     */
    static <T> List<T> runBeside(Callable<T> own, List<Future<T>> others, String what) {
        List<T> values = new ArrayList<>(others.size() + 1);
        RuntimeException failure = null;
        try {
            values.add(own.call());
        } catch (RuntimeException e) {
            failure = e;
        } catch (Exception e) {
            failure = new IllegalStateException(what + " failed: " + e, e);
        }
        boolean interrupted = false;
        for (Future<T> f : others) {
            while (true) {
                try {
                    values.add(f.get());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
        return values;
    }
}
