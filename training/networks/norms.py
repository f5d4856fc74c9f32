"""Normalisations that compute in float32 whatever the autocast dtype.

Under bf16 autocast the convolutions and matrix products run in bfloat16 (on CPUs with AVX512-BF16 about 5x
fp32's rate), but a norm's mean and variance over a few hundred bf16 values lose too much (8-bit mantissa), and
torch 1.13's CPU autocast passes bf16 inputs to norms whose weights stay float32, which fails. In float32 runs
the casts are no-ops, so weights, outputs and exported graphs are unchanged."""
from torch import nn


class GroupNorm32(nn.GroupNorm):
    def forward(self, x):
        return super().forward(x.float()).to(x.dtype)


class LayerNorm32(nn.LayerNorm):
    def forward(self, x):
        return super().forward(x.float()).to(x.dtype)
