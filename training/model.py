"""The trained part of a pack as one module — text encoder, STEA, U-Net — and the conditioning rule shared by
training and sampling: ψ(prompt), then STEA at each fused row's identity token."""
import torch
from torch import nn

from . import taef2
from .networks.stea import Stea
from .networks.text_encoder import TextEncoder
from .networks.unet import UNet

FACE_WIDTH = 128


class PortraitModel(nn.Module):
    def __init__(self, config, known_ids, face_mean):
        super().__init__()
        t, u = config.text, config.unet
        self.text_encoder = TextEncoder(known_ids, t.width, t.layers, t.heads)
        self.stea = Stea(t.width, FACE_WIDTH, config.stea.hidden_width, face_mean)
        self.unet = UNet(taef2.LATENT_CHANNELS, t.width, list(u.channels), u.blocks, list(u.attention), u.heads,
                         u.groups, u.ff_multiple, u.pooled_context)

    def condition(self, ids, identity_index, faces, fuse):
        """ids [B,77]; identity_index [B] or [B,S] (S subjects, each its own identity token); faces [B,D] or
        [B,S,D]; fuse [B] bool: rows whose identity tokens take their faces."""
        if identity_index.dim() == 1:
            identity_index, faces = identity_index[:, None], faces[:, None]
        # A batch repeats prompts (the empty one above all): encode each distinct row once, exactly.
        distinct, inverse = torch.unique(ids, dim=0, return_inverse=True)
        hidden = self.text_encoder(distinct)[inverse]
        rows = fuse.nonzero().flatten()
        if rows.numel() == 0:
            return hidden
        positions = identity_index[rows].flatten()
        rows = rows.repeat_interleave(identity_index.shape[1])
        fused = self.stea(hidden[rows, positions], faces[fuse].flatten(0, 1))
        return hidden.index_put((rows, positions), fused)
