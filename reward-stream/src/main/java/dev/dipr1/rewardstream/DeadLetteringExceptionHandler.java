package dev.dipr1.rewardstream;

import dev.dipr1.schemas.DeadLetter;
import dev.dipr1.schemas.serde.Serdes;
import dev.dipr1.topics.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reward stream's processing and production exception handler: a record whose processing or
 * output fails is dead-lettered (as a {@link DeadLetter} with its raw bytes, coordinates and reason)
 * and skipped. The dead letter goes out through Kafka Streams' dead-letter support (KIP-1034), in
 * the task's own transaction, so a record that always fails can neither stop the stream nor kill its
 * thread in a replace-and-retry loop. A failure without source coordinates (a punctuator) or of the
 * producer itself is not about one record, and still fails.
 */
public final class DeadLetteringExceptionHandler implements ProcessingExceptionHandler, ProductionExceptionHandler {

    /** Streams setting: the topic the dead letters go to. */
    public static final String DEAD_LETTERS_TOPIC_CONFIG = "dipr1.dead.letters.topic";

    static final String STAGE = ScoreProcessor.STAGE + "/handler";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetteringExceptionHandler.class);

    private String deadLetters;

    /** Installs this handler for processing and production errors, dead-lettering to {@code deadLettersTopic}. */
    public static void install(Properties streamsConfig, String deadLettersTopic) {
        streamsConfig.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetteringExceptionHandler.class);
        streamsConfig.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetteringExceptionHandler.class);
        streamsConfig.put(DEAD_LETTERS_TOPIC_CONFIG, deadLettersTopic);
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(DEAD_LETTERS_TOPIC_CONFIG);
        if (topic == null || topic.toString().isBlank()) {
            throw new ConfigException(DEAD_LETTERS_TOPIC_CONFIG + " must name the dead-letter topic");
        }
        deadLetters = topic.toString();
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(
            ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        return deadLetter(context, "processing failed in " + context.processorNodeId(), exception)
                .map(ProcessingExceptionHandler.Response::resume)
                .orElseGet(ProcessingExceptionHandler.Response::fail);
    }

    @Override
    public ProductionExceptionHandler.Response handleError(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RetriableException) {
            return ProductionExceptionHandler.Response.retry();
        }
        if (!(exception instanceof RecordTooLargeException)) {
            return ProductionExceptionHandler.Response.fail();
        }
        return deadLetter(context, "its output to " + record.topic() + " is too large", exception)
                .map(ProductionExceptionHandler.Response::resume)
                .orElseGet(ProductionExceptionHandler.Response::fail);
    }

    @Override
    @SuppressWarnings("rawtypes") // the interface declares a raw ProducerRecord
    public ProductionExceptionHandler.Response handleSerializationError(
            ErrorHandlerContext context,
            ProducerRecord record,
            Exception exception,
            ProductionExceptionHandler.SerializationExceptionOrigin origin) {
        return deadLetter(context, "its output to " + record.topic() + " cannot be serialized", exception)
                .map(ProductionExceptionHandler.Response::resume)
                .orElseGet(ProductionExceptionHandler.Response::fail);
    }

    /** The dead letter of the source record, or empty when there is no source record (a punctuator). */
    private Optional<List<ProducerRecord<byte[], byte[]>>> deadLetter(
            ErrorHandlerContext context, String what, Exception exception) {
        if (context.topic() == null || context.offset() < 0) {
            LOG.error("reward stream failed outside any record ({}); not dead-lettered", what, exception);
            return Optional.empty();
        }
        String key = DeadLetters.key(context.topic(), context.partition(), context.offset());
        DeadLetter d = DeadLetters.of(
                context.topic(),
                context.partition(),
                context.offset(),
                context.timestamp(),
                context.sourceRawKey(),
                context.sourceRawValue(),
                STAGE,
                what + ": " + exception,
                exception,
                System.currentTimeMillis());
        LOG.warn("dead-lettered {}: {}", key, d.getReason(), exception);
        return Optional.of(List.of(
                new ProducerRecord<>(deadLetters, key.getBytes(StandardCharsets.UTF_8), Serdes.DEAD_LETTER.encode(d))));
    }
}
