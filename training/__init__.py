"""PortraitBooth's trainer: a portrait pack (text encoder, STEA, U-Net over frozen TAEF2 latents) from a prepared
dataset manifest, exported to the pack contract of models/README.md. Knows the pack contract, not the platform."""
