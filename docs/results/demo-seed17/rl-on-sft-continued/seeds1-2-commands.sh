#!/bin/bash
# Diagnostic on tuning seeds 1, 2 (no rule; nothing is chosen from it): GRPO on top of SFT continued, as for seed 17.
cd /work/exp/retime
B="java -Xmx6g -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.dipr1.schemas -jar /work/exp/retime/bin/launcher.jar"
for s in 1 2; do
  start=$(ls runs/cache/sft-seed$s-*.ckpt)
  mkdir -p runs/more$s
  java -Xmx3g -Dai.djl.pytorch.num_threads=2 -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.dipr1.schemas -jar bin/launcher.jar sft --init $start --seed $s --out runs/more$s/sft_more.ckpt --steps 1200 --batch 32 --lr 2.0000001E-4 --warmup 20 --max-minutes 90.0 --train-scenes 3000 --validate-every 0 --validation-images 500 --ema-decay 0.0 --shift 4 > more$s-sft.log 2>&1
  echo "done sft_more $s $(date +%T)" >> chain.out
  $B demo --seed $s --sft-checkpoint runs/more$s/sft_more.ckpt --no-sft-more --out runs/rl-on-more$s > rl-on-more$s.log 2>&1
  echo "done rl-on-more$s $(date +%T)" >> chain.out
  for split in in-domain ood; do $B eval --checkpoint runs/rl-on-more$s/rl.ckpt --against runs/more$s/sft_more.ckpt --split $split --images 1000 > eval-rlonmore-s$s-$split.txt 2>&1; done
  $B eval --checkpoint runs/more$s/sft_more.ckpt --against $start --split in-domain --images 1000 > eval-more-vs-sft-s$s-in-domain.txt 2>&1
done
echo "chain4 done $(date +%T)" >> chain.out
