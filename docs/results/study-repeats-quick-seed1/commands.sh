#!/bin/bash
# --repeats end to end on real runs: from a clean clone of c330cf4 (seed 1 quick SFT cached by the quick demo before it).
/usr/bin/time -v ./dipr1 study --quick --seeds 1 --arms sft,sft_more,no_look --repeats 2 --out /tmp/studyq   # 2:39.94 wall
# then re-aggregated, nothing rerun, by the build of the next commit (RunSpread says "1 seed", not "1 seeds"):
./dipr1 study --quick --seeds 1 --arms sft,sft_more,no_look --repeats 2 --out /tmp/studyq
