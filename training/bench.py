"""Trainer speed against the model's own cost: `python3 -m training.bench --config C [--dataset D] [--steps N]`.

Prints the share of a step spent building the batch, and the trainer's steps/s beside a bare forward + backward
+ optimiser step of the same model on the same batch shape (random tensors, no data, no EMA): their ratio is what
the trainer adds. Run it with nothing else on the machine."""
import argparse
import dataclasses
import tempfile
import time
from pathlib import Path

import torch

from . import config as configs, dataset
from .train import Trainer


def bare_step(trainer, batch):
    model = trainer.model
    with trainer.autocast():  # the same precision as the trainer's steps
        context = model.condition(batch["ids"], batch["identity_index"], batch["faces"], batch["fuse"])
        predicted = model.unet(batch["x0"], batch["t"].float(), context)
    loss = (predicted.float() - batch["noise"]).square().mean()
    trainer.optimizer.zero_grad(set_to_none=True)
    loss.backward()
    trainer.optimizer.step()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m training.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--dataset")
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as run_dir:
        config = configs.load(args.config, {"dataset": args.dataset})
        cached = Path(config.run_dir) / dataset.LATENTS_FILE if config.run_dir else None
        if cached and cached.is_file():  # the run's latent cache (keyed by the crops' bytes): no re-encoding
            (Path(run_dir) / dataset.LATENTS_FILE).symlink_to(cached)
        config = dataclasses.replace(config, run_dir=run_dir, checkpoint_every=10 ** 9)
        trainer = Trainer(config, log=lambda _: None)
        fixed = trainer.batch(0)
        random = {**fixed, "x0": torch.randn_like(fixed["x0"]), "noise": torch.randn_like(fixed["noise"])}
        for _ in range(2):
            bare_step(trainer, random)
            trainer.train_step(0)
        started = time.perf_counter()
        for _ in range(args.steps):
            bare_step(trainer, random)
        bare = (time.perf_counter() - started) / args.steps
        data, total = 0.0, 0.0
        for step in range(args.steps):
            _, data_seconds, seconds = trainer.train_step(step)
            data, total = data + data_seconds, total + seconds
        per_step = total / args.steps
    print(f"batch {config.batch_size}: bare forward+backward+step {bare:.3f} s, trainer step {per_step:.3f} s "
          f"(ratio {per_step / bare:.3f}); batch building {100 * data / total:.2f}% of a trainer step")


if __name__ == "__main__":
    main()
