"""Carries a run's trained weights off a training machine that hands files back in limited sizes (a rented GPU
box, a CI artefact store): `split RUN OUT` writes the newest checkpoint's EMA weights — what export reads —
as parts of at most 14 MB each plus meta.pt; `join IN RUN` writes them back as a checkpoint of RUN that
`training.export` exports. Optimiser state stays behind: a joined run exports, it does not resume.

`/usr/bin/python3 -m training.transfer split|join SOURCE TARGET`
"""
import sys
from pathlib import Path

import torch

from . import checkpoints

PART_BYTES = 14_000_000
_META = ("step", "init_steps", "config", "known_ids", "face_mean")


def split(run_dir, out):
    path = checkpoints.latest(run_dir)
    if path is None:
        raise FileNotFoundError(f"no checkpoint in {run_dir}")
    state = checkpoints.load(path)
    parts, current, size = [], {}, 0
    for name, weight in state["ema"].items():
        bytes_ = weight.numel() * weight.element_size()
        if current and size + bytes_ > PART_BYTES:
            parts.append(current)
            current, size = {}, 0
        current[name], size = weight, size + bytes_
    parts.append(current)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    torch.save(dict({k: state.get(k, 0) for k in _META}, parts=len(parts)), out / "meta.pt")
    for n, part in enumerate(parts):
        torch.save(part, out / f"ema-{n}.pt")
    return path, len(parts)


def join(source, run_dir):
    source = Path(source)
    meta = torch.load(source / "meta.pt", weights_only=False)
    ema = {}
    for n in range(meta.pop("parts")):
        ema.update(torch.load(source / f"ema-{n}.pt", weights_only=False))
    meta["config"] = dict(meta["config"], run_dir=str(run_dir))
    return checkpoints.save(run_dir, meta["step"], dict(meta, ema=ema, model=ema), keep=2)


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3 or args[0] not in ("split", "join"):
        print("usage: python3 -m training.transfer split RUN OUT | join IN RUN", file=sys.stderr)
        return 2
    try:
        if args[0] == "split":
            path, count = split(args[1], args[2])
            print(f"{path}: EMA weights in {count} parts under {args[2]}")
        else:
            print(f"wrote {join(args[1], args[2])}")
    except (FileNotFoundError, KeyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
