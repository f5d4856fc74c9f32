#!/usr/bin/env bash
# The validation gauge of a training run: exports a checkpoint's EMA weights to a throw-away pack and runs
# `eval run` on the dataset's validation people (never the test people) with the pack's prompt file.
#   bash training/gauge.sh [GUIDANCE] [SEEDS]      (env: RUN, DATASET, CHECKPOINT, OUT)
# Prints the report's overall row: face found, identity against the held-back photo, and the text-only baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
guidance=${1:-4}
seeds=${2:-1}
run=${RUN:-$HOME/.cache/portraitbooth/runs/portrait-128}
dataset=${DATASET:-$HOME/.cache/portraitbooth/datasets/faces-celeba-128}
checkpoint=${CHECKPOINT:-$(ls "$run"/checkpoints/step-*.pt | sort | tail -n 1)}
step=$(basename "$checkpoint" .pt)
out=${OUT:-/tmp/gauge-$step}
rm -rf "$out" && mkdir -p "$out"
/usr/bin/python3 -m training.export --run-dir "$run" --checkpoint "$checkpoint" --out "$out/pack" > "$out/export.log"
./portraitbooth eval run --pack "$out/pack" --identities "$dataset/eval-validation" --prompts eval/prompts-portrait.txt \
    --guidance "$guidance" --seeds "$seeds" --out "$out/eval-g$guidance" > "$out/eval-g$guidance.log"
echo "$step guidance $guidance seeds $seeds:"
grep -i -m1 "^| *\(overall\|all\)" "$out/eval-g$guidance/report.md" || tail -n 20 "$out/eval-g$guidance/report.md"
