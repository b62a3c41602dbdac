#!/bin/bash
# Confirmation of PLAN-no-look.txt (seeds 12, 13, 14), started when the study is done; killed by hand if seed 3 fails rule 1.
cd /work/main
N=/work/exp/nolook
B="java -Xmx6g -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.dipr1.schemas -jar /work/exp/study5/bin/launcher.jar"
while [ ! -f /work/exp/study5/done.txt ]; do sleep 15; done
run() { /usr/bin/time -v $B demo --seed $1 --sft-checkpoint $2 --no-sft-more --out $N/$3 "${@:4}" > $N/$3.log 2>&1; echo "done $3 $(date +%T)" >> $N/chain.out; }
run 13 /work/exp/lr/sft-s13-lr2e-3.ckpt d13
run 13 /work/exp/lr/sft-s13-lr2e-3.ckpt nl13 --lambda 1,0,2
run 12 /work/exp/lr/demo12/sft.ckpt nl12 --lambda 1,0,2
run 14 /work/exp/lr/demo14/sft.ckpt nl14 --lambda 1,0,2
ev() { for split in in-domain ood; do $B eval --checkpoint $1 --against $2 --split $split --images 1000 > $N/eval-$3-$split.txt 2>&1; done; }
ev $N/nl13/rl.ckpt $N/d13/rl.ckpt s13
ev $N/nl12/rl.ckpt /work/exp/lr/demo12/rl.ckpt s12
ev $N/nl14/rl.ckpt /work/exp/lr/demo14/rl.ckpt s14
for s in 1 2 3; do ev /work/exp/study5/out/seed$s/no_look/rl.ckpt /work/exp/study5/out/seed$s/dipr1/rl.ckpt tune-s$s; done
echo "all done $(date +%T)" >> $N/chain.out
