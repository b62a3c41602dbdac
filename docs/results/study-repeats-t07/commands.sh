#!/bin/bash
# dipr1 study --repeats 2 over runs already on disk: seedS/no_look = runs/t07-tune (build 5790872), seedS/no_look-run2 =
# runs/t07-rep (build 5790872); only their report.json files were copied, so the study reran nothing and only aggregated.
for s in 1 2 3; do
  mkdir -p /tmp/studyrep/seed$s/no_look /tmp/studyrep/seed$s/no_look-run2
  cp /work/exp/retime/runs/t07-tune/seed$s/no_look/report.json /tmp/studyrep/seed$s/no_look/
  cp /work/exp/retime/runs/t07-rep/seed$s/no_look/report.json /tmp/studyrep/seed$s/no_look-run2/
done
./dipr1 study --seeds 1,2,3 --arms sft,no_look --repeats 2 --out /tmp/studyrep
