#!/usr/bin/env bash
# Packs what a GPU training machine needs beside the code into one folder (default .devrun/, git-ignored by the
# caller): the prepared dataset compacted to a tgz (crops as JPEG q90, ~36 MB) and TAEF2's two weight files.
#   bash training/gpu/bundle.sh [DATASET] [BUNDLE] [TAEF2]
set -euo pipefail
cd "$(dirname "$0")/../.."
dataset="${1:-$HOME/.cache/portraitbooth/datasets/faces-celeba-128}"
bundle="${2:-.devrun}"
taef2="${3:-../shared/models/taef2}"
rm -rf "$bundle" && mkdir -p "$bundle"
/usr/bin/python3 -m training.compact "$dataset" "$bundle/dataset"
tar -czf "$bundle/dataset.tgz" -C "$bundle" dataset && rm -rf "$bundle/dataset"
cp "$taef2"/taef2_encoder.pth "$taef2"/taef2_decoder.pth "$bundle/"
du -sh "$bundle"
