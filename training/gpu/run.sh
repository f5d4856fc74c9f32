#!/usr/bin/env bash
# On the GPU machine, in the repo root: unpacks a bundle (bundle.sh), trains portrait-128 for SECONDS on CUDA and
# writes the EMA weights in parts of at most 14 MB, the loss log, the progress log and the last sample grid to OUT
# (at most 8 files, so that a machine handing back few, small files returns them all).
#   bash training/gpu/run.sh BUNDLE OUT [SECONDS] [CONFIG]
# Back on the workstation: python3 -m training.transfer join OUT RUN_DIR; python3 -m training.export --run-dir RUN_DIR ...
set -uo pipefail
cd "$(dirname "$0")/../.."
bundle="$1" out="$2" seconds="${3:-470}" config="${4:-training/configs/portrait-128-cuda.json}"
work="${TMPDIR:-/tmp}/portraitbooth-gpu"
export PYTHONUNBUFFERED=1
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
rm -rf "$work" && mkdir -p "$work" "$out"
tar -xzf "$bundle/dataset.tgz" -C "$work" || exit 1
python3 - "$config" "$work" "$bundle" <<'PY' || exit 1
import json, os, sys
config, work, bundle = sys.argv[1:]
values = json.load(open(config))
values.update(dataset=f"{work}/dataset", run_dir=f"{work}/run", taef2=os.path.abspath(bundle))
json.dump(values, open(f"{work}/config.json", "w"))
PY
python3 -m training.train --config "$work/config.json" --max-seconds "$seconds" 2>&1 | tee "$out/train.log"
python3 -m training.transfer split "$work/run" "$out" || exit 1
cp "$work/run/loss.tsv" "$out/"
last_grid=$(ls "$work/run/samples/"step-*.png 2>/dev/null | tail -1)
[ -n "$last_grid" ] && cp "$last_grid" "$out/samples-last.png"
ls -la "$out"
