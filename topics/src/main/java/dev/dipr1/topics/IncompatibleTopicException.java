package dev.dipr1.topics;

import java.util.List;
import java.util.stream.Collectors;

/** Existing topics whose settings differ from the catalog in a way that would break the pipeline. */
public final class IncompatibleTopicException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<TopicAdmin.TopicStatus> topics;

    public IncompatibleTopicException(List<TopicAdmin.TopicStatus> topics) {
        super(topics.stream()
                        .map(t -> "topic " + t.name() + " exists with incompatible settings: "
                                + String.join("; ", t.differences()))
                        .collect(Collectors.joining("\n"))
                + "\nDelete or rename these topics, or choose another prefix with --topic-prefix.");
        this.topics = List.copyOf(topics);
    }

    public List<TopicAdmin.TopicStatus> topics() {
        return topics;
    }
}
