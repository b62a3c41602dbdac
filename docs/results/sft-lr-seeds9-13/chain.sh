#!/bin/bash
cd /work/main
L=/work/exp/lr
B="java -Xmx6g -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.dipr1.schemas -jar /work/exp/long/bin/launcher.jar"
base() { case $1 in 9|10|11) echo /work/exp/shift/sft-s$1-shift4.ckpt;; 12) echo /work/main/runs/cache/sft-seed12-4329a967e869425f.ckpt;; 13) echo /work/main/runs/cache/sft-seed13-ac8c8e600f07e51a.ckpt;; esac; }
for job in "$@"; do   # job = seed:lr
  s=${job%%:*}; lr=${job##*:}
  /usr/bin/time -v $B sft --seed $s --steps 2400 --lr $lr --out $L/sft-s$s-lr$lr.ckpt > $L/sft-s$s-lr$lr.log 2>&1
  for split in in-domain ood; do
    $B eval --checkpoint $L/sft-s$s-lr$lr.ckpt --against $(base $s) --split $split --images 1000 > $L/eval-s$s-lr$lr-$split.txt 2>&1
  done
  echo "done $job $(date +%T)" >> $L/chain.out
done
