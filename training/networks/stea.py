"""STEA's fuse MLP, exactly as the runtime applies it to identity-token rows: token [N,W], face [N,D] -> fused [N,W].

The face descriptor arrives raw (as the recognizer gives it); the module centres it on the training population's
mean and scales it to unit length · √D inside, so the runtime passes φ through untouched.
"""
import math

import torch
from torch import nn

from .norms import LayerNorm32


class Stea(nn.Module):
    def __init__(self, token_width, face_width, hidden_width, face_mean=None):
        super().__init__()
        mean = torch.zeros(face_width) if face_mean is None else torch.as_tensor(face_mean, dtype=torch.float32)
        self.register_buffer("face_mean", mean)
        self.face_scale = math.sqrt(face_width)
        self.norm = LayerNorm32(token_width + face_width)
        self.fc1 = nn.Linear(token_width + face_width, hidden_width)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden_width, token_width)

    def normalised_face(self, face):
        centred = face - self.face_mean
        return centred / (centred.norm(dim=-1, keepdim=True) + 1e-6) * self.face_scale

    def forward(self, token, face):
        joined = torch.cat([token, self.normalised_face(face)], dim=-1)
        return token + self.fc2(self.act(self.fc1(self.norm(joined))))
