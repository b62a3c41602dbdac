/**
 * Everything about reaching Kafka that the services share: the topic catalog (names, serdes, partitions,
 * cleanup), idempotent topic administration, client and security settings, the construction of producers and
 * consumers ({@link dev.dipr1.topics.KafkaClients}), dead-letter records and policy-update records.
 */
package dev.dipr1.topics;
