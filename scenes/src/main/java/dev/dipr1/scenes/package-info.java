/**
 * The images and their ground truth: the deterministic synthetic crowded-scene generator (train, in-domain
 * and ood splits), loaders for CrowdHuman {@code .odgt} and COCO-style JSON, PNG reading and writing, and the
 * dataset writer. Pure Java; no Kafka, no model.
 */
package dev.dipr1.scenes;
