#!/bin/bash
# PLAN.txt: temperature 1.0 against the default 0.7 at the defaults of 2026-12-05 (look reward off), tuning seeds 1-3,
# and a third run of the default per seed (run-to-run spread). Build 5790872 copied to a bin dir (= ./dipr1),
# idle machine, one run at a time. The SFT starts are trained by the first study and reused (cached) by the others.
B="java -Xmx6g -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.dipr1.schemas -jar bin/launcher.jar"
$B study --seeds 1,2,3 --arms sft,no_look --out runs/t07-tune                     # T = 0.7, the default
$B study --seeds 1,2,3 --arms sft,no_look --temperature 1.0 --out runs/t10-tune
ev() { for split in in-domain ood; do $B eval --checkpoint $1 --against $2 --split $split --images 1000 > paired-evals/eval-$3-$split.txt; done; }
for s in 1 2 3; do ev runs/t10-tune/seed$s/no_look/rl.ckpt runs/t07-tune/seed$s/no_look/rl.ckpt tune-s$s; done
# rule 1 failed here; the confirmation runs (seeds 17-19) were not run
$B study --seeds 1,2,3 --arms sft,no_look --out runs/t07-rep                      # the default again, same starts
for s in 1 2 3; do ev runs/t07-rep/seed$s/no_look/rl.ckpt runs/t07-tune/seed$s/no_look/rl.ckpt rep-s$s; done
