package dev.dipr1.rewardstream;

import dev.dipr1.schemas.GroundTruth;
import java.util.Optional;

/** Whether a decoded annotation record can be joined: it must be keyed by its own sample id. */
final class AnnotationValidator {

    private AnnotationValidator() {}

    /** Why the annotation under {@code key} cannot be used, or empty when it can. */
    static Optional<String> problem(String key, GroundTruth truth) {
        if (key == null) {
            return Optional.of("annotation of sample " + truth.getSampleId() + " has no key; it must be keyed by "
                    + "its sample id");
        }
        if (!key.equals(truth.getSampleId())) {
            return Optional.of("annotation keyed " + key + " is for sample " + truth.getSampleId()
                    + "; it must be keyed by its sample id");
        }
        return Optional.empty();
    }
}
