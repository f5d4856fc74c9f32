#!/usr/bin/env bash
# For anyone with a CUDA machine (none exists where PortraitBooth is developed): builds the GPU flavour of the CLI
# (Microsoft.ML.OnnxRuntime.Gpu, -p:OnnxRuntimeFlavor=Gpu) apart from the CPU build, runs one generation with
# --device cuda, then the pipeline benchmark on CUDA and on the CPU for per-step times.
# Needs an NVIDIA driver for CUDA 13 and the CUDA 13 + cuDNN 9 libraries on the library path (deploy/Dockerfile.gpu):
# ONNX Runtime 1.32.0's GPU package links libcublas.so.13. Without them it stops at generate with the missing library named.
#   bash scripts/gpu-check.sh [DEVICE]        DEVICE: cuda (default) or cuda:N
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
device="${1:-cuda}"
source "$root/scripts/lib/prerequisites.sh"
ensure_dotnet
bash "$root/scripts/fetch-face-api.sh"
out="$root/artifacts/gpu-check"
# Its own artifacts path: the GPU restore must not replace the CPU build's obj/ folders.
dotnet publish "$root/src/PortraitBooth.Cli" -c Release -v quiet -p:OnnxRuntimeFlavor=Gpu --artifacts-path "$out/build" -o "$out/app"
cli=(dotnet "$out/app/portraitbooth.dll")
"${cli[@]}" generate --device "$device" --prompt "a portrait photo of a smiling woman" --steps 20 --seed 1 --out "$out/portrait.png"
echo "--- bench pipeline on $device (ms/step) ---"
"${cli[@]}" bench pipeline --device "$device" --steps 20 --size 512 --repeat 3
echo "--- the same on cpu ---"
"${cli[@]}" bench pipeline --device cpu --steps 20 --size 512 --repeat 1
