/**
 * The one implementation of each small infrastructure job that several modules need: durable atomic file
 * writes ({@link dev.dipr1.common.AtomicFiles}) and deterministic seed mixing ({@link dev.dipr1.common.Seeds}).
 * Plain JDK, no dependencies, so every module may use it.
 */
package dev.dipr1.common;
