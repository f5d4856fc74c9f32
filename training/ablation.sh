#!/usr/bin/env bash
# Issue 15's ablation: four variants continue from one checkpoint (Training I's) for the same steps, with the same
# two-person steps and balanced emotion captions, then each is evaluated on the test people with the same seeds:
#   control  L_noise only          dip   + DIP (identity loss)
#   ecac     + ECAC (localization)  both  + DIP + ECAC
#   bash training/ablation.sh START_CHECKPOINT [STEPS] [VARIANT ...]   (env: RUNS, DATASET, OUT, SEEDS, GUIDANCE,
#   PEOPLE: only the first N test people, for a quick look)
# Every stage skips what is finished (a run resumes from its checkpoints, a report that exists is kept), so a call
# that a session's end cut off continues where it stopped. Ends with the table (training/ablation_table.py).
set -euo pipefail
cd "$(dirname "$0")/.."
start=${1:?usage: bash training/ablation.sh START_CHECKPOINT [STEPS] [VARIANT ...]}
steps=${2:-1500}
shift; [ $# -gt 0 ] && shift
variants=("$@"); [ ${#variants[@]} -gt 0 ] || variants=(control dip ecac both)
runs=${RUNS:-$HOME/.cache/portraitbooth/runs/ablation}
dataset=${DATASET:-$HOME/.cache/portraitbooth/datasets/faces-celeba-128}
out=${OUT:-$HOME/.cache/portraitbooth/ablation}
seeds=${SEEDS:-4}
guidance=${GUIDANCE:+--guidance $GUIDANCE}
people=${PEOPLE:+--people $PEOPLE}
latents="$(dirname "$(dirname "$start")")/latents-taef2.pt"  # the start run's: the same crops, not encoded again
[ -f "$start" ] || { echo "error: start checkpoint not found: $start" >&2; exit 2; }
for variant in "${variants[@]}"; do
  case $variant in
    control) dip=0 ecac=0 ;; dip) dip=1 ecac=0 ;; ecac) dip=0 ecac=1 ;; both) dip=1 ecac=1 ;;
    *) echo "error: unknown variant '$variant' (control, dip, ecac, both)" >&2; exit 2 ;;
  esac
  run="$runs/$variant" here="$out/$variant"
  mkdir -p "$here" "$run"
  [ -e "$run/latents-taef2.pt" ] || [ ! -f "$latents" ] || ln -s "$latents" "$run/latents-taef2.pt"
  echo "== $variant: training to step $steps in $run"
  /usr/bin/python3 -m training.train --config training/configs/portrait-128.json --dataset "$dataset" --run-dir "$run" \
      --steps "$steps" --set init_from="$start" --set warmup_steps=100 --set two_person_every=4 \
      --set expression_balance=8 --set identity_loss_weight=$dip --set localization_loss_weight=$ecac >> "$here/train.log"
  checkpoint=$(ls "$run"/checkpoints/step-*.pt | sort | tail -n 1)
  [ -f "$here/pack/pack.json" ] || /usr/bin/python3 -m training.export --run-dir "$run" --checkpoint "$checkpoint" --out "$here/pack" > "$here/export.log"
  evaluate() {  # name, then eval run's own options
    local name=$1; shift
    [ -f "$here/$name/report.md" ] && return 0
    # shellcheck disable=SC2086
    ./portraitbooth eval run --pack "$here/pack" --identities "$dataset/eval-test" --seeds "$seeds" $guidance $people \
        --out "$here/$name" "$@" > "$here/$name.log"
  }
  evaluate single --prompts eval/prompts-portrait.txt
  evaluate emotions --prompts eval/prompts-emotions.txt --expression
  evaluate pairs --prompts eval/prompts-two-people.txt --multi --width 256 --height 128
done
/usr/bin/python3 -m training.ablation_table "$out" | tee "$out/table.md"
