package dev.dipr1.generator.engine;

/** A batch was abandoned because the generator is stopping: none of its prompts is done. */
public final class EngineStoppedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EngineStoppedException(String message) {
        super(message);
    }
}
