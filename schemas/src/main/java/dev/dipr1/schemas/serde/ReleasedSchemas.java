package dev.dipr1.schemas.serde;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * Every schema version this project has released that is no longer current, read from
 * {@code schemas/released/INDEX} on the classpath. Readers use it to resolve the fingerprint of
 * an old record to the schema it was written with; the current schemas come from the generated
 * classes themselves.
 */
public final class ReleasedSchemas implements SchemaStore {

    private static final String ROOT = "/dev/dipr1/schemas/released/";
    private static final ReleasedSchemas INSTANCE = load();

    private final List<Schema> schemas;
    private final Map<Long, Schema> byFingerprint = new ConcurrentHashMap<>();

    private ReleasedSchemas(List<Schema> schemas) {
        this.schemas = List.copyOf(schemas);
        for (Schema s : schemas) {
            byFingerprint.put(SchemaNormalization.parsingFingerprint64(s), s);
        }
    }

    public static ReleasedSchemas instance() {
        return INSTANCE;
    }

    /** The released versions of the record with this full name (e.g. {@code dev.dipr1.schemas.PromptTask}). */
    public List<Schema> versionsOf(String fullName) {
        return schemas.stream().filter(s -> s.getFullName().equals(fullName)).toList();
    }

    public List<Schema> all() {
        return schemas;
    }

    @Override
    public Schema findByFingerprint(long fingerprint) {
        return byFingerprint.get(fingerprint);
    }

    private static ReleasedSchemas load() {
        List<Schema> out = new ArrayList<>();
        try (InputStream index = ReleasedSchemas.class.getResourceAsStream(ROOT + "INDEX")) {
            if (index == null) {
                throw new IllegalStateException("schemas/released/INDEX is missing from the classpath");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(index, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                try (InputStream in = ReleasedSchemas.class.getResourceAsStream(ROOT + line)) {
                    if (in == null) {
                        throw new IllegalStateException("schemas/released/INDEX names " + line + " but it is missing");
                    }
                    // A fresh parser per file: each released file stands alone (Box is inlined).
                    out.add(new Schema.Parser().parse(in));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ReleasedSchemas(out);
    }
}
