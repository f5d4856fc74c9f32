"""How much a run uses the face: the ε-prediction error on validation samples conditioned on their own face, on
another person's face and on no face (text only), at a few timesteps, from a checkpoint's EMA weights.

`/usr/bin/python3 -m training.identity_probe --run-dir RUN [--checkpoint F] [--dataset DIR] [--samples 96]`

A model that uses identity predicts the noise of a person's photo better given their own face than another's; a
gap near 0% means the face is ignored, whatever the loss says.
"""
import argparse
import sys
from pathlib import Path

import torch

from . import config as configs, dataset, taef2
from .export import ExportError, load_run
from .schedule import NoiseSchedule

TIMESTEPS = (100, 300, 500, 700, 900)


def other_person(people):
    """For each sample, the next sample (cyclically) of a different person."""
    n = len(people)
    return [next((i + k) % n for k in range(1, n) if people[(i + k) % n] != people[i]) for i in range(n)]


@torch.no_grad()
def probe(model, schedule, split, count, seed=0):
    """{timestep: (own, other, none) mean squared ε error} over the first `count` samples of split."""
    count = min(count, len(split))
    index = torch.arange(count)
    others = torch.tensor(other_person(split.people[:count]))
    caption = split.caption_start[index]
    ids, identity = split.caption_ids[caption], split.identity_index[caption]
    x0 = split.latents[index, 0]
    generator = torch.Generator().manual_seed(seed)
    noise = torch.randn(x0.shape, generator=generator)
    conditions = {
        "own": (split.embeddings[index], torch.ones(count, dtype=torch.bool)),
        "other": (split.embeddings[others], torch.ones(count, dtype=torch.bool)),
        "none": (split.embeddings[index], torch.zeros(count, dtype=torch.bool)),
    }
    contexts = {name: model.condition(ids, identity, faces, fuse) for name, (faces, fuse) in conditions.items()}
    results = {}
    for step in TIMESTEPS:
        t = torch.full((count,), step)
        noisy = schedule.add_noise(x0, noise, t)
        results[step] = tuple((model.unet(noisy, t.float(), contexts[name]) - noise).square().mean().item()
                              for name in ("own", "other", "none"))
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m training.identity_probe", description=__doc__.splitlines()[0])
    parser.add_argument("--run-dir", required=True)
    parser.add_argument("--checkpoint", help="a checkpoint file (default: the run's newest)")
    parser.add_argument("--dataset", help="the prepared dataset (default: the run's config)")
    parser.add_argument("--samples", type=int, default=96, help="validation samples to probe")
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    try:
        model, config, steps = load_run(args.run_dir, args.checkpoint)
        model.eval()
        manifest, root = dataset.read_manifest(args.dataset or config.dataset)
        encoder, _ = taef2.load(config.taef2)
        latents = dataset.encode_latents(encoder, root, manifest["samples"], Path(args.run_dir) / dataset.LATENTS_FILE)
        split = dataset.build_split(manifest, root, latents, "validation")
        if len(split) < 2:
            raise ExportError("the dataset has fewer than two validation samples")
        results = probe(model, NoiseSchedule(config.scheduler), split, args.samples)
    except (ExportError, configs.ConfigError, dataset.ManifestError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{args.run_dir}: {steps} steps, {min(args.samples, len(split))} validation samples")
    print("t\town face\tother face\tno face\tother vs own")
    for step, (own, other, none) in results.items():
        print(f"{step}\t{own:.4f}\t{other:.4f}\t{none:.4f}\t{100 * (other - own) / own:+.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
