"""Multi-head attention written out (softmax(QKᵀ/√d)V), so it exports to plain ONNX ops and its maps can be read."""
import math

import torch
from torch import nn


class Attention(nn.Module):
    def __init__(self, width, heads, context_width=None):
        super().__init__()
        if width % heads:
            raise ValueError(f"width {width} is not divisible by {heads} heads")
        self.heads, self.head_width = heads, width // heads
        context_width = context_width or width
        self.q = nn.Linear(width, width, bias=False)
        self.k = nn.Linear(context_width, width, bias=False)
        self.v = nn.Linear(context_width, width, bias=False)
        self.out = nn.Linear(width, width)
        self.keep_weights, self.weights = False, None  # set by localization_loss.CrossAttentionMaps (ECAC)

    def forward(self, x, context=None, causal_mask=None):
        context = x if context is None else context
        b, n, width = x.shape
        d = self.head_width
        q = self.q(x).reshape(b, n, self.heads, d).transpose(1, 2)
        k = self.k(context).reshape(b, -1, self.heads, d).transpose(1, 2)
        v = self.v(context).reshape(b, -1, self.heads, d).transpose(1, 2)
        scores = q @ k.transpose(-1, -2) * (1.0 / math.sqrt(self.head_width))
        if causal_mask is not None:
            scores = scores + causal_mask
        weights = scores.softmax(dim=-1)
        if self.keep_weights:
            self.weights = weights
        return self.out((weights @ v).transpose(1, 2).reshape(b, n, self.heads * d))


class FeedForward(nn.Module):
    def __init__(self, width, multiple=4):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(width, width * multiple), nn.GELU(), nn.Linear(width * multiple, width))

    def forward(self, x):
        return self.net(x)
