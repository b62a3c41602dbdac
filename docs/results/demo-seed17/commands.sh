#!/bin/bash
# The full demo at the defaults of 2026-12-05 (lambda 1,0,2), a seed never run before, idle machine.
# Build 5790872 (launcher.jar and lib/ copied to a bin dir), 18 min 53 s wall (/usr/bin/time -v), peak resident 3.4 GB.
java -Xmx6g -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.dipr1.schemas -jar bin/launcher.jar demo --seed 17 --out runs/demo17
# = ./dipr1 demo --seed 17

# Diagnostic (one seed, one run, nothing chosen from it): GRPO at the demo's defaults from the demo's SFT-continued
# checkpoint, against that checkpoint; files in rl-on-sft-continued/
java -Xmx6g -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.dipr1.schemas -jar bin/launcher.jar demo --seed 17 --sft-checkpoint runs/demo17/sft_more.ckpt --no-sft-more --out runs/rl-on-more17
for split in in-domain ood; do
  java -Xmx6g -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.dipr1.schemas -jar bin/launcher.jar eval --checkpoint runs/rl-on-more17/rl.ckpt --against runs/demo17/sft_more.ckpt --split $split --images 1000
done
