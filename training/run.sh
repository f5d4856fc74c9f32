#!/usr/bin/env bash
# Starts, or resumes, a training run from a fresh clone in one command: installs the trainer's Debian packages,
# fetches and converts face-api's networks, prepares the dataset when its manifest is missing (a re-run of
# `dataset prepare` also skips photos it finished), then trains in the background at low priority.
#   bash training/run.sh [CONFIG]       (default training/configs/portrait-128.json; env: DATASET, LOG)
# The run folder (the config's run_dir) keeps checkpoints: a second call resumes from the newest one.
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:-training/configs/portrait-128.json}
dataset=${DATASET:-$HOME/.cache/portraitbooth/datasets/faces-celeba-128}
log=${LOG:-$HOME/.cache/portraitbooth/train.log}
source scripts/lib/prerequisites.sh
ensure_training_python
./portraitbooth models convert-face-api > /dev/null
[ -f "$dataset/manifest.json" ] || ./portraitbooth dataset prepare --photos ../shared/data/faces-celeba --out "$dataset"
if pgrep -f "training.train --config $config" > /dev/null; then
  echo "already training ($config); log $log" >&2
  exit 1
fi
mkdir -p "$(dirname "$log")"
nohup nice -n 10 /usr/bin/python3 -m training.train --config "$config" --dataset "$dataset" >> "$log" 2>&1 &
echo "training in the background (pid $!): $config; progress in $log"
