"""Checkpoints outside the repo: written atomically, the newest few kept, the newest one resumed."""
import re
from pathlib import Path

import torch

_NAME = re.compile(r"^step-(\d{7})\.pt$")


def directory(run_dir):
    return Path(run_dir) / "checkpoints"


def latest(run_dir):
    found = sorted(p for p in directory(run_dir).glob("step-*.pt") if _NAME.match(p.name)) if directory(run_dir).is_dir() else []
    return found[-1] if found else None


def save(run_dir, step, state, keep):
    folder = directory(run_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"step-{step:07d}.pt"
    partial = folder / f".step-{step:07d}.partial"
    torch.save(state, partial)
    partial.replace(path)
    for old in sorted(p for p in folder.glob("step-*.pt") if _NAME.match(p.name))[:-keep]:
        old.unlink()
    return path


def load(path):
    return torch.load(path, map_location="cpu", weights_only=False)  # our own files: config and ids beside tensors
