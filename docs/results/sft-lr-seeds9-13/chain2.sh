#!/bin/bash
# After chain.sh (seeds 10, 11 at 2e-3): confirmation seeds 12, 13 at 2e-3 (read only after the tuning verdict),
# then dipr1 sft's own budget (3,600 steps) at 2e-3 on seed 1 against the 1e-3 default run.
cd /work/main
L=/work/exp/lr
B="java -Xmx6g -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.dipr1.schemas -jar /work/exp/long/bin/launcher.jar"
while ! grep -q "done 11:2e-3" $L/chain.out 2>/dev/null; do sleep 20; done
$L/chain.sh 12:2e-3 13:2e-3
/usr/bin/time -v $B sft --seed 1 --steps 3600 --lr 2e-3 --out $L/sft-s1-3600-lr2e-3.ckpt > $L/sft-s1-3600-lr2e-3.log 2>&1
for split in in-domain ood; do
  $B eval --checkpoint $L/sft-s1-3600-lr2e-3.ckpt --against /work/exp/long/sft-s1-3600.ckpt --split $split --images 1000 > $L/eval-s1-3600-lr2e-3-$split.txt 2>&1
done
echo "done s1-3600 $(date +%T)" >> $L/chain.out
