"""TAEF2 (madebyollin/taesd, MIT), the frozen VAE: our own module definition for its two state dicts.

The "flux_2" variant: 32 latent channels at 1/8 of the side; the three blocks nearest the latent add a pooled
1x1-conv -> GroupNorm(4) -> ReLU -> 1x1-conv branch; the decoder starts with a soft clamp. Pixels are [0, 1].
"""
from pathlib import Path

import torch
from torch import nn

LATENT_CHANNELS = 32
PIXEL_RANGE = (0.0, 1.0)
SCALE = 8


def _conv(n_in, n_out, **kwargs):
    return nn.Conv2d(n_in, n_out, 3, padding=1, **kwargs)


class _SoftClamp(nn.Module):
    def forward(self, x):
        return torch.tanh(x / 3) * 3


class _Block(nn.Module):
    def __init__(self, channels, global_branch=False):
        super().__init__()
        self.conv = nn.Sequential(_conv(channels, channels), nn.ReLU(), _conv(channels, channels), nn.ReLU(),
                                  _conv(channels, channels))
        self.skip = nn.Identity()
        self.fuse = nn.ReLU()
        self.pool = None
        if global_branch:
            wide = channels * 4
            self.pool = nn.Sequential(nn.Conv2d(channels, wide, 1, bias=False), nn.GroupNorm(4, wide), nn.ReLU(),
                                      nn.Conv2d(wide, channels, 1, bias=False))

    def forward(self, x):
        if self.pool is not None:
            x = x + self.pool(x)
        return self.fuse(self.conv(x) + self.skip(x))


def encoder():
    """Indices match the state dict's keys (nn.Sequential positions)."""
    b = _Block
    return nn.Sequential(
        _conv(3, 64), b(64),
        _conv(64, 64, stride=2, bias=False), b(64), b(64), b(64),
        _conv(64, 64, stride=2, bias=False), b(64), b(64), b(64),
        _conv(64, 64, stride=2, bias=False), b(64, True), b(64, True), b(64, True),
        _conv(64, LATENT_CHANNELS))


def decoder():
    b = _Block
    up = lambda: nn.Upsample(scale_factor=2)  # noqa: E731
    return nn.Sequential(
        _SoftClamp(), _conv(LATENT_CHANNELS, 64), nn.ReLU(),
        b(64, True), b(64, True), b(64, True), up(), _conv(64, 64, bias=False),
        b(64), b(64), b(64), up(), _conv(64, 64, bias=False),
        b(64), b(64), b(64), up(), _conv(64, 64, bias=False),
        b(64), _conv(64, 3))


def load(directory):
    """(encoder, decoder), frozen, in eval mode; a missing file is named."""
    directory = Path(directory)
    parts = []
    for name, build in (("taef2_encoder.pth", encoder), ("taef2_decoder.pth", decoder)):
        path = directory / name
        if not path.is_file():
            raise FileNotFoundError(f"TAEF2 weights not found: {path}")
        module = build()
        module.load_state_dict(torch.load(path, map_location="cpu"))
        module.eval().requires_grad_(False)
        parts.append(module)
    return tuple(parts)
