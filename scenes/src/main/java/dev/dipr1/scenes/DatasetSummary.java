package dev.dipr1.scenes;

import java.nio.file.Path;

/**
 * What {@link DatasetWriter} wrote.
 *
 * @param dir the dataset directory
 * @param annotations the {@code .odgt} file
 * @param images number of images written
 * @param persons number of annotated persons
 * @param ignored how many of them are ignore regions
 */
public record DatasetSummary(Path dir, Path annotations, int images, int persons, int ignored) {

    /** Persons that count (not ignored). */
    public int counted() {
        return persons - ignored;
    }

    @Override
    public String toString() {
        return String.format(
                java.util.Locale.ROOT,
                "%d images, %d persons (%d counted, %d ignored) in %s",
                images,
                persons,
                counted(),
                ignored,
                dir);
    }
}
