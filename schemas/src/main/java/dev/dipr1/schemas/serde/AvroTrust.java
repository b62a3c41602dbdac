package dev.dipr1.schemas.serde;

/**
 * Avro 1.12 refuses to instantiate classes outside trusted packages when a schema names them.
 * Our generated records live in {@code dev.dipr1.schemas}; this adds that package to the
 * trusted list before any Avro reader class is initialised (the list is read once, in a static
 * initialiser), keeping whatever the user configured.
 */
final class AvroTrust {

    static final String PROPERTY = "org.apache.avro.SERIALIZABLE_PACKAGES";
    static final String OUR_PACKAGE = "dev.dipr1.schemas";

    private AvroTrust() {}

    static synchronized void ensure() {
        String current = System.getProperty(PROPERTY);
        if (current == null || current.isBlank()) {
            System.setProperty(PROPERTY, OUR_PACKAGE);
        } else if (!(',' + current + ',').contains(',' + OUR_PACKAGE + ',')) {
            System.setProperty(PROPERTY, current + ',' + OUR_PACKAGE);
        }
    }
}
