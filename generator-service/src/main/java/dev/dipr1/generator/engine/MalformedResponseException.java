package dev.dipr1.generator.engine;

/** A chat completions response that does not hold the group asked for; the message says what is wrong. */
public final class MalformedResponseException extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedResponseException(String message) {
        super(message);
    }
}
