"""Trains a portrait pack: `/usr/bin/python3 -m training.train --config training/configs/portrait-128.json`.

L_noise (ε-prediction on the pack's scheduler) over frozen TAEF2 latents; 10% of samples text-only, 10%
unconditional, the rest with the face fused at the identity token; for half the samples an extra noise term
over the face region; optionally Min-SNR-γ weighting (Hang et al. 2023), which spends the model's capacity on
the noisy steps that decide a face's layout and colour. AdamW, EMA weights, every random draw seeded by (seed, step) so that a resumed run is the
same run. Checkpoints, the loss log and sample grids go to the run folder, outside the repo. A run may start
from another run's checkpoint (init_from): its weights, a fresh optimiser and step count.
"""
import argparse
import contextlib
import copy
import dataclasses
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch

from . import checkpoints, config as configs, dataset, expressions, samples, taef2
from .identity_loss import IdentityLoss
from .localization_loss import CrossAttentionMaps, localization_loss
from .model import PortraitModel
from .networks import face_recognizer
from .pairs import TwoPersonBatches
from .schedule import NoiseSchedule


def scheduled_learning_rate(config, step):
    """Linear warm-up, constant, then (from decay_start, when set) a cosine down to final_learning_rate_fraction at
    the run's last step: a lower rate at the end lets the weights settle where the constant rate keeps them moving."""
    rate = config.learning_rate * min(1.0, (step + 1) / max(1, config.warmup_steps))
    if config.decay_start <= 0 or step < config.decay_start:
        return rate
    progress = min(1.0, (step - config.decay_start) / max(1, config.steps - config.decay_start))
    floor = config.final_learning_rate_fraction
    return rate * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress)))


class Trainer:
    def __init__(self, config, log=print):
        self.config, self.log = config, log
        torch.set_num_threads(config.threads)
        self.device = torch.device(config.device)
        if self.device.type == "cuda":  # TF32 matrix products: ~8x fp32's rate, well inside the noise of training
            torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
        self.run_dir = Path(config.run_dir)
        manifest, root = dataset.read_manifest(config.dataset)
        self.manifest = manifest
        encoder, self.decoder = taef2.load(config.taef2)
        self.identity_loss = self._identity_loss(config)
        latents = dataset.encode_latents(encoder, root, manifest["samples"], self.run_dir / dataset.LATENTS_FILE, log=log,
                                         device=self.device)
        self.train = dataset.build_split(manifest, root, latents, "train").to(self.device)
        self.validation = dataset.build_split(manifest, root, latents, "validation")
        self.expressions = self._expression_balance(config, manifest)
        self.pairs = TwoPersonBatches(self.train, manifest["tokenizer"], manifest["crop"]["size"]) if config.two_person_every else None
        tokenizer = manifest["tokenizer"]
        self.empty_ids = torch.tensor([dataset.pad(tokenizer["empty_prompt_ids"], tokenizer["max_length"], tokenizer["pad_id"])])
        self.empty_ids_on_device = self.empty_ids.to(self.device)
        self.schedule = NoiseSchedule(config.scheduler)
        self.step, self.init_steps = 0, 0
        resume = checkpoints.latest(self.run_dir)
        state = checkpoints.load(resume) if resume else None
        start = self._start_state(config) if state is None else None
        given = state or start
        # The ids this run's prompts use; a resumed run keeps its table, a warm start widens the checkpoint's.
        needed = set(dataset.known_token_ids(manifest)) | set(self.pairs.captions.word_ids if self.pairs else [])
        known_ids = state["known_ids"] if state else sorted(set(start["known_ids"]) | needed) if start else sorted(needed)
        face_mean = given["face_mean"] if given else self.train.embeddings.mean(dim=0)
        torch.manual_seed(config.seed)
        self.model = PortraitModel(config, known_ids, face_mean).to(self.device)
        if start:
            self._warm_start(start)
        self.ema = copy.deepcopy(self.model).requires_grad_(False)
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=config.learning_rate,
                                           weight_decay=config.weight_decay)
        if state:
            self._restore(state, resume)
        else:
            self.run_dir.mkdir(parents=True, exist_ok=True)
            (self.run_dir / "config.json").write_text(config.to_json())

    def _identity_loss(self, config):
        if config.identity_loss_weight <= 0:
            return None
        try:
            return IdentityLoss(face_recognizer.load(config.face_recognizer), self.decoder).to(self.device)
        except ValueError as error:  # not the recognizer: refused before the first step, by name
            raise configs.ConfigError(f"face_recognizer: {error}") from None

    def _expression_balance(self, config, manifest):
        if not config.expression_balance:
            return None
        train = [s for s in manifest["samples"] if s["split"] == "train"]
        balanced = expressions.balance(train, self.train.caption_start.cpu(), config.seed, config.expression_balance,
                                       config.expression_min_samples)
        for line in balanced.report():
            self.log(f"emotion captions: {line}")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        (self.run_dir / expressions.REPORT_FILE).write_text(json.dumps(balanced.classes, indent=1))
        return balanced.to(self.device)

    @staticmethod
    def _start_state(config):
        if not config.init_from:
            return None
        if not Path(config.init_from).is_file():
            raise configs.ConfigError(f"init_from: checkpoint not found: {config.init_from}")
        return checkpoints.load(config.init_from)

    def _warm_start(self, start):
        """The checkpoint's EMA weights, the better function, for the model and (by the copy) its EMA; parts the
        checkpoint lacks (a new ContextPool) keep their initialisation; a weight that does not fit is refused."""
        own = self.model.state_dict()
        start = {**start, "ema": self._widened_tokens(start)}
        mismatched = [k for k, v in start["ema"].items() if k in own and own[k].shape != v.shape]
        unknown = [k for k in start["ema"] if k not in own]
        if mismatched or unknown:
            names = ", ".join((mismatched + unknown)[:5])
            raise configs.ConfigError(f"init_from {self.config.init_from}: its weights do not fit this model ({names})")
        self.model.load_state_dict(_with_new_parts(start["ema"], own))
        self.init_steps = start.get("init_steps", 0) + start["step"]
        self.log(f"initialised from {self.config.init_from} ({self.init_steps} steps trained before)")

    def _widened_tokens(self, start):
        """The checkpoint's weights with its token table widened to this model's known ids: an id the checkpoint
        never knew starts from its shared unknown row, so every prompt first encodes exactly as it did there."""
        ema, old_known = dict(start["ema"]), list(start["known_ids"])
        new_known = self.model.text_encoder.known_ids
        added = [i for i in new_known if i not in set(old_known)]
        if not added:
            return ema
        old_rows = {token: row for row, token in enumerate(old_known, start=1)}
        weight = ema["text_encoder.token.weight"]
        rows = [0] + [old_rows.get(token, 0) for token in new_known]  # row 0: the unknown row
        ema["text_encoder.token.weight"] = weight[torch.tensor(rows)]
        ema["text_encoder.vocabulary"] = self.model.text_encoder.vocabulary.clone()
        self.log(f"init_from: {len(added)} token id(s) new to the checkpoint ({', '.join(map(str, added))}) start from its unknown row")
        return ema

    def _restore(self, state, path):
        saved = configs.from_dict(state["config"], f"{path} config")
        for part in ("text", "unet", "stea", "scheduler"):
            if getattr(saved, part) != getattr(self.config, part):
                raise configs.ConfigError(f"{path}: the checkpoint's {part} differs from the config's; use another run_dir")
        self.model.load_state_dict(state["model"])
        self.ema.load_state_dict(state["ema"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.step = state["step"]
        self.init_steps = state.get("init_steps", 0)
        self.log(f"resumed from {path} at step {self.step}")
        self._truncate_loss_log()

    def _truncate_loss_log(self):
        log = self.run_dir / "loss.tsv"
        if not log.is_file():
            return
        lines = log.read_text().splitlines()
        kept = [line for line in lines if line.startswith("step") or int(line.split("\t")[0]) <= self.step]
        log.write_text("".join(line + "\n" for line in kept))

    def batch(self, step):
        """Every random draw of one step, from a generator seeded by (seed, step), on the training device (the
        split's tensors live there too, so a step copies nothing from the host)."""
        c, split, d = self.config, self.train, self.device
        g = torch.Generator(device=d).manual_seed(c.seed * 1_000_003 + step)
        if self.pairs is not None and (step + 1) % c.two_person_every == 0:  # half as many rows, twice as wide
            return self.pairs.batch(g, max(1, c.batch_size // 2), c, self.schedule.steps, self.empty_ids_on_device)
        b = c.batch_size
        draw = dict(generator=g, device=d)
        balanced = self.expressions
        index = (torch.multinomial(balanced.weights, b, replacement=True, generator=g) if balanced
                 else torch.randint(len(split), (b,), **draw))
        mirror = (torch.rand(b, **draw) < 0.5).long() if c.mirror else torch.zeros(b, dtype=torch.long, device=d)
        if balanced:
            caption = balanced.caption_rows[index, (torch.rand(b, **draw) * balanced.caption_count[index]).long()]
        else:
            caption = split.caption_start[index] + (torch.rand(b, **draw) * split.caption_count[index]).long()
        mode = torch.rand(b, **draw)
        unconditional = mode < c.unconditional_fraction
        fuse = mode >= c.unconditional_fraction + c.text_only_fraction
        face_loss = torch.rand(b, **draw) < c.face_loss_fraction
        t = torch.randint(self.schedule.steps, (b,), **draw)
        noise = torch.randn((b, *split.latents.shape[2:]), **draw)
        ids = torch.where(unconditional[:, None], self.empty_ids_on_device, split.caption_ids[caption])
        # One subject per row; the subject axis (S = 1 here, 2 in two-person batches) is the second of each
        # per-subject tensor.
        mask = split.masks[index, mirror]
        return dict(x0=split.latents[index, mirror], mask=mask, subject_masks=mask[:, None],
                    eye_mouth=split.eye_mouth[index, mirror][:, None], ids=ids, identity_index=split.identity_index[caption][:, None],
                    faces=split.embeddings[index][:, None], fuse=fuse,
                    expression_index=torch.where(unconditional, -1, split.expression_index[caption]), conditional=~unconditional,
                    face_loss=face_loss, t=t, noise=noise)

    def autocast(self):
        """The config's precision for a forward pass: bf16 autocast, or float32 (a no-op context)."""
        return torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.config.precision == "bf16")

    def loss(self, batch):
        c = self.config
        noisy = self.schedule.add_noise(batch["x0"], batch["noise"], batch["t"])
        ecac = c.localization_loss_weight > 0
        with self.autocast(), (CrossAttentionMaps(self.model.unet) if ecac else contextlib.nullcontext()) as recorded:
            context = self.model.condition(batch["ids"], batch["identity_index"], batch["faces"], batch["fuse"])
            predicted = self.model.unet(noisy, batch["t"].float(), context)
            maps = recorded.maps() if ecac else None
        error = (predicted.float() - batch["noise"]).square()
        whole = error.mean(dim=(1, 2, 3))
        mask = batch["mask"]
        face = (error * mask).sum(dim=(1, 2, 3)) / (mask.sum(dim=(1, 2, 3)) * error.shape[1] + 1e-6)
        per_sample = whole + c.face_loss_weight * batch["face_loss"].float() * face
        if c.min_snr_gamma > 0:
            snr = self.schedule.snr(batch["t"]).to(per_sample.device)
            per_sample = per_sample * snr.clamp(max=c.min_snr_gamma) / snr
        if self.identity_loss is not None:
            per_sample = per_sample + c.identity_loss_weight * self._identity_term(batch, noisy, predicted.float())
        if ecac:  # the caption's own rows: the empty prompt of an unconditional row has no identity token
            per_sample = per_sample + c.localization_loss_weight * localization_loss(
                maps, batch["subject_masks"], batch["identity_index"], batch["expression_index"], batch["conditional"])
        return per_sample.mean()

    def _identity_term(self, batch, noisy, predicted):
        """DIP's L_id for the fused rows with t ≤ identity_loss_max_timestep, 0 for the others."""
        rows = ((batch["t"] <= self.config.identity_loss_max_timestep) & batch["fuse"]).nonzero().flatten()
        term = torch.zeros(len(noisy), device=noisy.device)
        if rows.numel():
            x0 = self.schedule.predicted_x0(noisy[rows], predicted[rows], batch["t"][rows])
            term = term.index_put((rows,), self.identity_loss(x0, batch["eye_mouth"][rows], batch["faces"][rows]))
        return term

    def learning_rate(self, step):
        return scheduled_learning_rate(self.config, step)

    @torch.no_grad()
    def _update_ema(self, step):
        steps = self.init_steps + step  # a warm start continues the EMA, not its warm-up
        decay = min(self.config.ema_decay, (1 + steps) / (10 + steps))
        ema, live = list(self.ema.parameters()), [p.detach() for p in self.model.parameters()]
        torch._foreach_mul_(ema, decay)  # one kernel for all parameters: on a GPU, a loop's launches cost more than the maths
        torch._foreach_add_(ema, live, alpha=1 - decay)

    def train_step(self, step):
        started = time.perf_counter()
        batch = self.batch(step)
        data_seconds = time.perf_counter() - started
        for group in self.optimizer.param_groups:
            group["lr"] = self.learning_rate(step)
        loss = self.loss(batch)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.config.grad_clip)
        self.optimizer.step()
        self._update_ema(step)
        return loss.item(), data_seconds, time.perf_counter() - started

    def state(self):
        return {"step": self.step, "init_steps": self.init_steps, "model": self.model.state_dict(), "ema": self.ema.state_dict(),
                "optimizer": self.optimizer.state_dict(), "config": dataclasses.asdict(self.config),
                "known_ids": self.model.text_encoder.known_ids, "face_mean": self.model.stea.face_mean.cpu()}

    def checkpoint(self, last=False):
        path = checkpoints.save(self.run_dir, self.step, self.state(), self.config.keep_checkpoints)
        if self.step % self.config.sample_every == 0 or last:
            self.sample_grid()
        return path

    def sample_grid(self, count=4):
        split = self.validation if len(self.validation) else self.train
        chosen, seen = [], set()
        for i, person in enumerate(split.people):
            if person not in seen:
                seen.add(person)
                chosen.append(i)
            if len(chosen) == count:
                break
        index = torch.tensor(chosen)
        caption = split.caption_start[index]
        ids, identity, faces = split.caption_ids[caption], split.identity_index[caption], split.embeddings[index]
        size = self.config.pack.size
        c = self.config
        ema = self.ema.cpu().eval()
        rows = [torch.from_numpy(np.stack([dataset.load_rgb(split.crops[i]) for i in chosen])).permute(0, 3, 1, 2)]
        for fuse in (True, False):
            rows.append(samples.generate(ema, self.decoder, self.schedule, ids, identity, faces,
                                         torch.full((len(chosen),), fuse), self.empty_ids, c.sample_steps,
                                         c.sample_guidance, size, seed=0))
        self.ema.to(self.device)
        folder = self.run_dir / "samples"
        folder.mkdir(exist_ok=True)
        samples.save_grid(rows, folder / f"step-{self.step:07d}.png")

    def run(self, stop_at=None, max_seconds=None):
        """Trains to stop_at (default: the config's steps), or until max_seconds have passed, with a checkpoint
        where it stops, so that a time-boxed run resumes where it left off."""
        c = self.config
        stop_at = min(stop_at or c.steps, c.steps)
        deadline = time.perf_counter() + max_seconds if max_seconds else math.inf
        log_path = self.run_dir / "loss.tsv"
        if not log_path.is_file():
            log_path.write_text("step\tloss\tlearning_rate\tseconds\n")
        window_start, window_steps, data_time, step_time = time.perf_counter(), 0, 0.0, 0.0
        smoothed = None
        with log_path.open("a") as loss_log:
            while self.step < stop_at:
                loss, data_seconds, seconds = self.train_step(self.step)
                self.step += 1
                if time.perf_counter() >= deadline:
                    stop_at = self.step
                smoothed = loss if smoothed is None else 0.98 * smoothed + 0.02 * loss
                loss_log.write(f"{self.step}\t{loss:.6f}\t{self.learning_rate(self.step - 1):.3g}\t{seconds:.3f}\n")
                window_steps, data_time, step_time = window_steps + 1, data_time + data_seconds, step_time + seconds
                if self.step % c.checkpoint_every == 0 or self.step == stop_at:
                    loss_log.flush()
                    self.checkpoint(last=self.step == stop_at)
                elapsed = time.perf_counter() - window_start
                if elapsed >= c.progress_seconds or self.step == stop_at:
                    rate = window_steps / elapsed
                    eta = (c.steps - self.step) / rate if rate > 0 else math.inf
                    self.log(f"step {self.step}/{c.steps} loss {loss:.4f} (smoothed {smoothed:.4f}) "
                             f"{rate:.3f} steps/s ETA {_duration(eta)} data {100 * data_time / max(step_time, 1e-9):.1f}% of step")
                    loss_log.flush()
                    window_start, window_steps, data_time, step_time = time.perf_counter(), 0, 0.0, 0.0
        return self.step


def _with_new_parts(loaded, own):
    """loaded's tensors, with own's for the keys loaded lacks."""
    return {k: loaded.get(k, v) for k, v in own.items()}


def _duration(seconds):
    if not math.isfinite(seconds):
        return "?"
    seconds = int(seconds)
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m" if seconds >= 3600 else f"{seconds // 60}m{seconds % 60:02d}s"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m training.train", description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="the pack's JSON config (training/configs/*.json)")
    parser.add_argument("--dataset", help="prepared dataset folder or manifest.json (overrides the config)")
    parser.add_argument("--run-dir", help="checkpoints, loss log and samples (overrides the config)")
    parser.add_argument("--device", help="cpu, cuda or cuda:N (overrides the config)")
    parser.add_argument("--steps", type=int, help="total steps (overrides the config)")
    parser.add_argument("--stop-at", type=int, help="stop at this step (a checkpoint is written there)")
    parser.add_argument("--max-seconds", type=float, help="stop after this much training time (with a checkpoint)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a top-level config key (VALUE as JSON, else a string); repeatable")
    args = parser.parse_args(argv)
    try:
        overrides = {"dataset": args.dataset, "run_dir": args.run_dir, "device": args.device, "steps": args.steps}
        overrides.update(configs.parse_setting(setting) for setting in args.set)
        config = configs.load(args.config, overrides)
        if not config.dataset:
            raise configs.ConfigError(f"{args.config}: no dataset (set 'dataset' or pass --dataset)")
        if not config.run_dir:
            raise configs.ConfigError(f"{args.config}: no run_dir (set 'run_dir' or pass --run-dir)")
        trainer = Trainer(config, log=lambda line: print(line, flush=True))
        trainer.run(args.stop_at, args.max_seconds)
    except (configs.ConfigError, dataset.ManifestError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
