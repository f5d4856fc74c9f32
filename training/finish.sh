#!/usr/bin/env bash
# Turns a training run into the shipped pack and the numbers its acceptance asks for:
#   bash training/finish.sh [GUIDANCE]        (env: RUN, DATASET, CHECKPOINT, PACK=models/portrait-128, OUT=/tmp/finish)
# 1. exports the checkpoint's EMA weights as float16 to PACK (the card gets the steps and guidance),
# 2. `pack verify`, 3. `eval run` on the test people (4 seeds) with the pack and with the untrained tiny pack,
# and on ../shared/data/identities; the reports land in OUT, their overall rows are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
guidance=${1:-}
run=${RUN:-$HOME/.cache/portraitbooth/runs/portrait-128}
dataset=${DATASET:-$HOME/.cache/portraitbooth/datasets/faces-celeba-128}
checkpoint=${CHECKPOINT:-$(ls "$run"/checkpoints/step-*.pt | sort | tail -n 1)}
pack=${PACK:-models/portrait-128}
out=${OUT:-/tmp/finish}
mkdir -p "$out"
rm -rf "$pack"
info="$out/info.json"
/usr/bin/python3 - "$checkpoint" "$info" <<'PY'
import json, re, sys
step = int(re.search(r"step-(\d+)", sys.argv[1]).group(1))
json.dump({"steps_trained": step}, open(sys.argv[2], "w"))
PY
/usr/bin/python3 -m training.export --run-dir "$run" --checkpoint "$checkpoint" --out "$pack" --fp16 --info "$info"
du -sh "$pack"
./portraitbooth pack verify "$pack" | tail -n 12
g=${guidance:+--guidance $guidance}
# shellcheck disable=SC2086
./portraitbooth eval run --pack "$pack" --identities "$dataset/eval-test" --prompts eval/prompts-portrait.txt --seeds 4 $g --out "$out/test" > "$out/test.log"
./portraitbooth eval run --identities "$dataset/eval-test" --prompts eval/prompts-portrait.txt --seeds 4 --size 128 --out "$out/test-tiny" > "$out/test-tiny.log"
# shellcheck disable=SC2086
./portraitbooth eval run --pack "$pack" --identities ../shared/data/identities --prompts eval/prompts-portrait.txt --seeds 4 $g --out "$out/identities" > "$out/identities.log"
for report in test test-tiny identities; do
  echo "== $report"
  grep -i -m1 "^| *overall" "$out/$report/report.md" || tail -n 20 "$out/$report/report.md"
done
