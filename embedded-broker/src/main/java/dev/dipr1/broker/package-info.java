/**
 * A real single-node Kafka broker in KRaft mode, run in-process on the loopback interface: the broker of
 * {@code dipr1 broker}, of the demo and of the integration tests. It owns the broker's storage formatting and
 * the one-node settings without which groups, transactions and Streams never start.
 */
package dev.dipr1.broker;
