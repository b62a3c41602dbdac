#!/bin/bash
# Budget order (PLAN.txt). Build 5790872 (code of HEAD except the atomic report write): /work/exp/retime/bin
cd /work/exp/retime
B="java -Xmx6g -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.dipr1.schemas -jar /work/exp/retime/bin/launcher.jar"
SFT="java -Xmx3g -Dai.djl.pytorch.num_threads=2 -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.dipr1.schemas -jar bin/launcher.jar sft"
O=/work/exp/order
again() { # seed, start
  mkdir -p runs/again$1
  $SFT --init $2 --seed $1 --out runs/again$1/sft_again.ckpt --steps 1200 --batch 32 --lr 2.0000001E-4 --warmup 20 --max-minutes 90.0 --train-scenes 3000 --validate-every 0 --validation-images 500 --ema-decay 0.0 --shift 4 > $O/again$1-sft.log 2>&1
  echo "done again$1 $(date +%T)" >> $O/chain.out
}
evals() { # seed, rl dir
  for split in in-domain ood; do $B eval --checkpoint runs/$2/rl.ckpt --against runs/again$1/sft_again.ckpt --split $split --images 1000 > $O/eval-grpo-vs-again-s$1-$split.txt 2>&1; done
  $B eval --checkpoint runs/again$1/sft_again.ckpt --against $3 --split in-domain --images 1000 > $O/eval-again-vs-more-s$1-in-domain.txt 2>&1
  $B eval --checkpoint runs/again$1/sft_again.ckpt --against $3 --split ood --images 1000 > $O/eval-again-vs-more-s$1-ood.txt 2>&1
  echo "done evals $1 $(date +%T)" >> $O/chain.out
}
for s in 1 2; do again $s runs/more$s/sft_more.ckpt; evals $s rl-on-more$s runs/more$s/sft_more.ckpt; done
# seed 3: SFT continued from the cached start, GRPO on it, then SFT again
start=$(ls runs/cache/sft-seed3-*.ckpt)
mkdir -p runs/more3
$SFT --init $start --seed 3 --out runs/more3/sft_more.ckpt --steps 1200 --batch 32 --lr 2.0000001E-4 --warmup 20 --max-minutes 90.0 --train-scenes 3000 --validate-every 0 --validation-images 500 --ema-decay 0.0 --shift 4 > $O/more3-sft.log 2>&1
echo "done more3 $(date +%T)" >> $O/chain.out
$B demo --seed 3 --sft-checkpoint runs/more3/sft_more.ckpt --no-sft-more --out runs/rl-on-more3 > $O/rl-on-more3.log 2>&1
echo "done rl-on-more3 $(date +%T)" >> $O/chain.out
for split in in-domain ood; do $B eval --checkpoint runs/rl-on-more3/rl.ckpt --against runs/more3/sft_more.ckpt --split $split --images 1000 > $O/eval-rlonmore-s3-$split.txt 2>&1; done
again 3 runs/more3/sft_more.ckpt; evals 3 rl-on-more3 runs/more3/sft_more.ckpt
again 17 runs/demo17/sft_more.ckpt; evals 17 rl-on-more17 runs/demo17/sft_more.ckpt
echo "chain done $(date +%T)" >> $O/chain.out
