"""The trained networks of a portrait pack: text encoder, STEA fuse MLP, U-Net."""
