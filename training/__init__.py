"""PortraitBooth's trainer: a portrait pack (text encoder, STEA, U-Net over frozen TAEF2 latents) from a prepared
dataset manifest, exported to the pack contract of models/README.md. Knows the pack contract, not the platform."""
import os

# OpenBLAS's own threads and torch's OpenMP threads (convolutions) fight over two cores: measured on this
# machine, a portrait-128 batch-32 step takes 3.4 s with OpenBLAS at 2 threads and 2.1 s at 1. Set before torch loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
