package dev.dipr1.policy;

/** A checkpoint that this code cannot load; the message says exactly what differs. */
public class IncompatibleCheckpointException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public IncompatibleCheckpointException(String message) {
        super(message);
    }

    public IncompatibleCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
