package dev.dipr1.policy;

import ai.djl.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that prepares DJL and libtorch for offline CPU use. Call {@link #init()} before
 * the first use of {@link Engine}; every public entry point of this package does so.
 *
 * <p>Settings (each only when not already set by the user, as a system property or, for the
 * cache, the {@code DJL_CACHE_DIR} environment variable):
 *
 * <ul>
 *   <li>{@code DJL_CACHE_DIR} → {@code ~/.djl.ai}: where DJL unpacks the libtorch natives (~430 MB)
 *       from the {@code pytorch-native-cpu} jar on the class path;
 *   <li>{@code PYTORCH_FLAVOR=cpu}, {@code ai.djl.offline=true}: never download anything;
 *   <li>{@code jna.tmpdir} → {@code <cache>/jna};
 *   <li>{@code ai.djl.pytorch.num_threads} → the number of available cores (one intra-op pool),
 *       {@code ai.djl.pytorch.num_interop_threads} → 1. libtorch's {@code set_num_threads} also
 *       sets the OpenMP and MKL thread counts, so no second BLAS pool competes with it.
 *   <li>{@code ai.djl.pytorch.graph_optimizer=false}: we run no TorchScript.
 *   <li>environment {@code OMP_WAIT_POLICY=PASSIVE} (set in the process with libc {@code setenv}
 *       through JNA before libtorch's OpenMP runtime loads, unless already set): with the default
 *       spin-waiting, an OpenMP team of 2 on 2 cores that shares them with any other thread (the
 *       scene generator, Kafka clients, another process) spins against it — measured 3× slower
 *       SFT steps.
 * </ul>
 */
public final class DjlEnvironment {

    private static final Logger LOG = LoggerFactory.getLogger(DjlEnvironment.class);
    private static volatile boolean done;

    private DjlEnvironment() {}

    /** Idempotent and thread-safe; returns the engine name ({@code PyTorch}). */
    public static synchronized String init() {
        if (done) {
            return Engine.getInstance().getEngineName();
        }
        String cache = System.getProperty("DJL_CACHE_DIR");
        if (cache == null || cache.isBlank()) {
            cache = System.getenv("DJL_CACHE_DIR");
        }
        if (cache == null || cache.isBlank()) {
            cache = Path.of(System.getProperty("user.home"), ".djl.ai").toString();
        }
        System.setProperty("DJL_CACHE_DIR", cache);
        setIfAbsent("ENGINE_CACHE_DIR", cache);
        setIfAbsent("PYTORCH_FLAVOR", "cpu");
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.default_engine", "PyTorch");
        setIfAbsent("ai.djl.pytorch.graph_optimizer", "false");
        Path jnaDir = Path.of(cache, "jna");
        try {
            Files.createDirectories(jnaDir);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create " + jnaDir + " for jna.tmpdir: " + e.getMessage(), e);
        }
        setIfAbsent("jna.tmpdir", jnaDir.toString());
        int cores = Runtime.getRuntime().availableProcessors();
        setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(cores));
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        setNativeEnvIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        Engine engine = Engine.getInstance();
        LOG.info(
                "DJL {} engine {} {} (cache {}, intra-op threads {}, inter-op threads {})",
                Engine.getDjlVersion(),
                engine.getEngineName(),
                engine.getVersion(),
                cache,
                System.getProperty("ai.djl.pytorch.num_threads"),
                System.getProperty("ai.djl.pytorch.num_interop_threads"));
        done = true;
        return engine.getEngineName();
    }

    /**
     * The libtorch intra-op threads of this JVM, as {@link #init()} sets them: {@code ai.djl.pytorch.num_threads}
     * when it is a positive number, else every core. A child JVM that must train what this one would is given it.
     */
    public static int intraOpThreads() {
        return intraOpThreads(
                System.getProperty("ai.djl.pytorch.num_threads"),
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * For data-parallel work ({@code dipr1 sft}'s replicas, {@code dipr1 eval}'s decoding threads): sets libtorch to one
     * thread and returns the count it would have had ({@link #intraOpThreads()}), one worker per thread. Only before
     * {@link #init()}: once the engine runs its count is fixed, and this returns 1 (one worker on the engine's threads).
     */
    public static synchronized int oneThreadPerWorker() {
        if (done) {
            return 1;
        }
        int n = intraOpThreads();
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        return n;
    }

    /**
     * How many threads may decode side by side in this JVM when nothing else runs in it: the cores over the
     * engine's intra-op threads, at least 1 (2 on 2 cores with libtorch at one thread, as in the demo).
     */
    public static int decodingWorkers() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / intraOpThreads());
    }

    static int intraOpThreads(String property, int cores) {
        try {
            int n = property == null ? 0 : Integer.parseInt(property.strip());
            return n > 0 ? n : cores;
        } catch (NumberFormatException e) {
            return cores;
        }
    }

    /** libc's setenv, for settings that native libraries read from the environment when they load. */
    private interface LibC extends com.sun.jna.Library {
        int setenv(String name, String value, int overwrite);
    }

    private static void setNativeEnvIfAbsent(String key, String value) {
        if (System.getenv(key) != null) {
            return;
        }
        try {
            LibC libc = com.sun.jna.Native.load("c", LibC.class);
            libc.setenv(key, value, 0);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.warn(
                    "could not set {}={} for libtorch ({}); set it in the environment instead",
                    key,
                    value,
                    e.toString());
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
