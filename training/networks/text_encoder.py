"""A small causal transformer over the pack's CLIP token ids, trained from scratch on the captions.

It knows only the token ids its captions used: a fixed table maps every CLIP id to a row of its own embedding,
and every id it never saw to one shared "unknown" row. Causal, like CLIP's, so an identity token's output
depends only on the tokens up to it (the runtime's fused-token cache relies on that).
"""
import torch
from torch import nn

from .attention import Attention, FeedForward
from .norms import LayerNorm32

CLIP_VOCAB_SIZE = 49408
UNKNOWN_ROW = 0


class _Layer(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.norm1 = LayerNorm32(width)
        self.attn = Attention(width, heads)
        self.norm2 = LayerNorm32(width)
        self.mlp = FeedForward(width)

    def forward(self, x, mask):
        x = x + self.attn(self.norm1(x), causal_mask=mask)
        return x + self.mlp(self.norm2(x))


class TextEncoder(nn.Module):
    def __init__(self, known_ids, width, layers, heads, max_length=77):
        super().__init__()
        known = sorted(set(int(i) for i in known_ids))
        table = torch.full((CLIP_VOCAB_SIZE,), UNKNOWN_ROW, dtype=torch.int32)
        table[torch.tensor(known, dtype=torch.long)] = torch.arange(1, len(known) + 1, dtype=torch.int32)
        self.register_buffer("vocabulary", table)
        self.known_ids = known
        self.token = nn.Embedding(len(known) + 1, width)
        self.position = nn.Parameter(torch.zeros(max_length, width))
        nn.init.normal_(self.position, std=0.01)
        self.layers = nn.ModuleList(_Layer(width, heads) for _ in range(layers))
        self.final_norm = LayerNorm32(width)
        mask = torch.full((max_length, max_length), float("-inf")).triu(1)
        self.register_buffer("causal_mask", mask, persistent=False)

    def forward(self, input_ids):
        rows = self.vocabulary[input_ids.long()].long()
        x = self.token(rows) + self.position
        for layer in self.layers:
            x = layer(x, self.causal_mask)
        return self.final_norm(x)
