#!/bin/bash
# From a clean clone of c330cf4 (after its ./mvnw -B verify), idle machine, no SFT cache: the run trains its own SFT.
/usr/bin/time -v ./dipr1 demo --quick --seed 1 --out /tmp/quick1   # 3:29.59 wall, max resident 3,909,724 kB
