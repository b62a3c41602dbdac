#!/bin/bash
# The full demo at the defaults of 2026-12-05 (lambda 1,0,2), a seed never run before, idle machine.
# Build 5790872 (launcher.jar and lib/ copied to a bin dir), 18 min 53 s wall (/usr/bin/time -v), peak resident 3.4 GB.
java -Xmx6g -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.dipr1.schemas -jar bin/launcher.jar demo --seed 17 --out runs/demo17
# = ./dipr1 demo --seed 17
