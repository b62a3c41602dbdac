package dev.dipr1.rewards;

/** Why a BOXES block is unparsable; a diagnostic, so no stack trace. */
final class BoxesSyntaxException extends Exception {

    private static final long serialVersionUID = 1L;

    BoxesSyntaxException(String message) {
        super(message, null, false, false);
    }
}
