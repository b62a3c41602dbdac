package dev.dipr1.scenes;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An annotation file that cannot be read as promised: the message names the file, where in it
 * (an {@code .odgt} line number, a COCO annotation or image id) and what is wrong.
 */
public class AnnotationFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String location;

    public AnnotationFormatException(Path file, String location, String problem) {
        this(file, location, problem, null);
    }

    public AnnotationFormatException(Path file, String location, String problem, Throwable cause) {
        super(file + ": " + location + ": " + problem, cause);
        this.file = file;
        this.location = location;
    }

    /** An error on a line of a line-oriented file such as {@code .odgt} (lines count from 1). */
    static AnnotationFormatException atLine(Path file, int line, String problem, Throwable cause) {
        return new AnnotationFormatException(file, "line " + line, problem, cause);
    }

    /** The annotation file. */
    public Path file() {
        return file;
    }

    /** Where in the file: {@code line 12}, {@code annotation 7}, {@code image 3}. */
    public String location() {
        return location;
    }
}
