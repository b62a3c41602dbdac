/**
 * The wire format of every topic: Avro single-object encoding (marker, schema fingerprint, body) without a
 * schema registry. Owns the serdes of the generated record classes, the released older schemas a reader
 * resolves by fingerprint, Avro's trusted-package setting, and the typed error for bytes that do not decode.
 */
package dev.dipr1.schemas.serde;
