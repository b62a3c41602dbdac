package dev.dipr1.scenes;

import java.util.List;

/**
 * What a loader read.
 *
 * @param scenes the scenes whose image was found, in file order
 * @param missingImages how many annotated images were not found and were skipped (each logged at WARN)
 */
public record LoadResult(List<Scene> scenes, int missingImages) {

    public LoadResult {
        scenes = List.copyOf(scenes);
        if (missingImages < 0) {
            throw new IllegalArgumentException("missingImages must be >= 0, was " + missingImages);
        }
    }
}
