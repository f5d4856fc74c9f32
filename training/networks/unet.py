"""An SD-shaped U-Net at small widths: ε-prediction over latents, cross-attention to the text-encoder output.

Levels of ResNet blocks (GroupNorm, SiLU, time embedding added) with spatial transformers (self-attention,
cross-attention, feed-forward, each pre-LayerNorm) where configured, stride-2 down, nearest ×2 up with skips.
Any latent side that is a multiple of 2^(levels−1) works; the cross-attention maps can be recorded (ECAC).
With pooled_context, the context also reaches every ResNet block through the time embedding (ContextPool).
"""
import math

import torch
from torch import nn
import torch.nn.functional as F

from .attention import Attention, FeedForward
from .norms import GroupNorm32, LayerNorm32


def timestep_embedding(timesteps, width):
    """Sinusoidal embedding of (possibly fractional) timesteps [B] -> [B, width], as diffusers' (flip_sin_to_cos)."""
    half = width // 2
    exponent = -math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=timesteps.device) / half
    angles = timesteps.float()[:, None] * exponent.exp()[None, :]
    return torch.cat([angles.cos(), angles.sin()], dim=-1)


class ResBlock(nn.Module):
    def __init__(self, n_in, n_out, time_width, groups):
        super().__init__()
        self.norm1 = GroupNorm32(groups, n_in)
        self.conv1 = nn.Conv2d(n_in, n_out, 3, padding=1)
        self.time = nn.Linear(time_width, n_out)
        self.norm2 = GroupNorm32(groups, n_out)
        self.conv2 = nn.Conv2d(n_out, n_out, 3, padding=1)
        self.skip = nn.Conv2d(n_in, n_out, 1) if n_in != n_out else nn.Identity()

    def forward(self, x, t):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.time(F.silu(t))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


class SpatialTransformer(nn.Module):
    def __init__(self, channels, context_width, heads, groups, ff_multiple):
        super().__init__()
        self.norm = GroupNorm32(groups, channels)
        self.proj_in = nn.Linear(channels, channels)
        self.norm1 = LayerNorm32(channels)
        self.self_attn = Attention(channels, heads)
        self.norm2 = LayerNorm32(channels)
        self.cross_attn = Attention(channels, heads, context_width)
        self.norm3 = LayerNorm32(channels)
        self.ff = FeedForward(channels, ff_multiple)
        self.proj_out = nn.Linear(channels, channels)

    def forward(self, x, context):
        b, c, h, w = x.shape
        tokens = self.proj_in(self.norm(x).flatten(2).transpose(1, 2))
        tokens = tokens + self.self_attn(self.norm1(tokens))
        tokens = tokens + self.cross_attn(self.norm2(tokens), context)
        tokens = tokens + self.ff(self.norm3(tokens))
        return x + self.proj_out(tokens).transpose(1, 2).reshape(b, c, h, w)


class ContextPool(nn.Module):
    """A learned query attention-pools the context into one vector added to the time embedding, as class
    conditioning is in ADM: the fused identity token then steers every ResNet block, not only the attention
    levels. The projection starts at zero, so a warm-started U-Net first computes exactly what it did."""

    def __init__(self, context_width, time_width, heads):
        super().__init__()
        self.query = nn.Parameter(torch.randn(1, 1, context_width) * context_width ** -0.5)
        self.norm = LayerNorm32(context_width)
        self.attn = Attention(context_width, heads)
        self.proj = nn.Linear(context_width, time_width)
        nn.init.zeros_(self.proj.weight)
        nn.init.zeros_(self.proj.bias)

    def forward(self, context):
        query = self.query.expand(context.shape[0], -1, -1)
        return self.proj(self.attn(query, self.norm(context))[:, 0])


class UNet(nn.Module):
    def __init__(self, latent_channels, context_width, channels, blocks, attention, heads, groups, ff_multiple=4,
                 pooled_context=False):
        """channels: width per level; blocks: ResNet blocks per level; attention: per level, True to attend;
        pooled_context: also add a pooled context to the time embedding (ContextPool)."""
        super().__init__()
        if not (len(channels) == len(attention)):
            raise ValueError("unet.channels and unet.attention need one entry per level")
        base = channels[0]
        time_width = base * 4
        self.base = base
        self.time_mlp = nn.Sequential(nn.Linear(base, time_width), nn.SiLU(), nn.Linear(time_width, time_width))
        self.context_pool = ContextPool(context_width, time_width, heads) if pooled_context else None
        self.conv_in = nn.Conv2d(latent_channels, base, 3, padding=1)

        def stage(n_in, n_out, attend):
            return nn.ModuleDict({"res": ResBlock(n_in, n_out, time_width, groups),
                                  "attn": SpatialTransformer(n_out, context_width, heads, groups, ff_multiple) if attend else nn.Identity()})

        self.down = nn.ModuleList()
        self.downsample = nn.ModuleList()
        skips = [base]
        width = base
        for level, (out, attend) in enumerate(zip(channels, attention)):
            for _ in range(blocks):
                self.down.append(stage(width, out, attend))
                width = out
                skips.append(width)
            if level < len(channels) - 1:
                self.downsample.append(nn.Conv2d(width, width, 3, stride=2, padding=1))
                skips.append(width)
        self.mid_res1 = ResBlock(width, width, time_width, groups)
        self.mid_attn = SpatialTransformer(width, context_width, heads, groups, ff_multiple)
        self.mid_res2 = ResBlock(width, width, time_width, groups)
        self.up = nn.ModuleList()
        self.upsample = nn.ModuleList()
        for level in reversed(range(len(channels))):
            out, attend = channels[level], attention[level]
            for _ in range(blocks + 1):
                self.up.append(stage(width + skips.pop(), out, attend))
                width = out
            if level > 0:
                self.upsample.append(nn.Conv2d(width, width, 3, padding=1))
        self.levels, self.blocks = len(channels), blocks
        self.norm_out = GroupNorm32(groups, width)
        self.conv_out = nn.Conv2d(width, latent_channels, 3, padding=1)

    @staticmethod
    def _run(stage, x, t, context):
        x = stage["res"](x, t)
        return x if isinstance(stage["attn"], nn.Identity) else stage["attn"](x, context)

    def forward(self, sample, timestep, encoder_hidden_states):
        t = self.time_mlp(timestep_embedding(timestep, self.base))
        if self.context_pool is not None:
            t = t + self.context_pool(encoder_hidden_states)
        x = self.conv_in(sample)
        skips = [x]
        blocks = iter(self.down)
        for level in range(self.levels):
            for _ in range(self.blocks):
                x = self._run(next(blocks), x, t, encoder_hidden_states)
                skips.append(x)
            if level < self.levels - 1:
                x = self.downsample[level](x)
                skips.append(x)
        x = self.mid_res2(self.mid_attn(self.mid_res1(x, t), encoder_hidden_states), t)
        blocks = iter(self.up)
        for i, level in enumerate(reversed(range(self.levels))):
            for _ in range(self.blocks + 1):
                x = self._run(next(blocks), torch.cat([x, skips.pop()], dim=1), t, encoder_hidden_states)
            if level > 0:
                x = self.upsample[i](F.interpolate(x, scale_factor=2.0, mode="nearest"))
        return self.conv_out(F.silu(self.norm_out(x)))
