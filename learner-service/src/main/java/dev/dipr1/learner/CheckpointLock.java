package dev.dipr1.learner;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Keeps a second learner off a checkpoint that one is using: an operating-system lock on {@code <checkpoint>.lock},
 * held until {@link #close()} (or the process dies, when the OS releases it). Two learners on one checkpoint would
 * overwrite each other's offsets and publish two weight sets under one version.
 */
final class CheckpointLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private CheckpointLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock of {@code checkpoint}, or fails saying another learner holds it. */
    static CheckpointLock acquire(Path checkpoint) throws IOException {
        Path file = checkpoint.resolveSibling(checkpoint.getFileName() + ".lock");
        Files.createDirectories(file.toAbsolutePath().getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by another learner of this JVM
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("another learner is using the checkpoint " + checkpoint + " (it holds "
                    + file + "): stop it first, or give this one another --learner-checkpoint");
        }
        return new CheckpointLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
