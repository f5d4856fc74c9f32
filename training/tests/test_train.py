"""The trainer on a small synthetic dataset: the loss falls, and a resumed run is the uninterrupted run."""
import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from training import checkpoints, config as configs
from training.train import Trainer

REPO = Path(__file__).resolve().parents[2]
SMALL = REPO / "training" / "configs" / "test-small.json"


def small_config(dataset, run_dir, taef2_dir, **changes):
    config = configs.load(SMALL, {"dataset": str(dataset), "run_dir": str(run_dir), "taef2": str(taef2_dir)})
    return dataclasses.replace(config, **changes)


def fixed_batch_loss(trainer):
    """The loss on one batch that does not change with training (same samples, t and noise)."""
    with torch.no_grad():
        return trainer.loss(trainer.batch(10_000_000)).item()


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_loss_falls_within_200_steps(small_dataset, taef2_dir, tmp_path, precision):
    trainer = Trainer(small_config(small_dataset, tmp_path / "run", taef2_dir, precision=precision), log=lambda _: None)
    before = sum(fixed_batch_loss_at(trainer, k) for k in range(4)) / 4
    trainer.run(200)
    after = sum(fixed_batch_loss_at(trainer, k) for k in range(4)) / 4
    assert trainer.step == 200
    assert after < 0.6 * before, f"loss on fixed batches went from {before:.4f} to {after:.4f}"


def fixed_batch_loss_at(trainer, k):
    with torch.no_grad():
        return trainer.loss(trainer.batch(10_000_000 + k)).item()


def max_weight_difference(a, b):
    return max((a[k].float() - b[k].float()).abs().max().item() for k in a)


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_resumed_run_equals_uninterrupted_run(small_dataset, taef2_dir, tmp_path, precision):
    def config(name):
        return small_config(small_dataset, tmp_path / name, taef2_dir, checkpoint_every=20, precision=precision)
    whole = Trainer(config("whole"), log=lambda _: None)
    whole.run(40)
    first = Trainer(config("split"), log=lambda _: None)
    first.run(20)
    resumed = Trainer(config("split"), log=lambda _: None)
    assert resumed.step == 20
    resumed.run(40)
    assert max_weight_difference(whole.model.state_dict(), resumed.model.state_dict()) <= 1e-5
    assert max_weight_difference(whole.ema.state_dict(), resumed.ema.state_dict()) <= 1e-5


def test_sigkilled_run_resumes_from_its_last_checkpoint(small_dataset, taef2_dir, tmp_path):
    run_dir = tmp_path / "killed"
    args = [sys.executable, "-m", "training.train", "--config", str(SMALL), "--dataset", str(small_dataset),
            "--run-dir", str(run_dir), "--steps", "100000"]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    overrides = tmp_path / "config.json"
    config = small_config(small_dataset, run_dir, taef2_dir, checkpoint_every=10, steps=100000)
    overrides.write_text(config.to_json())
    args[args.index(str(SMALL))] = str(overrides)
    process = subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while checkpoints.latest(run_dir) is None or checkpoints.latest(run_dir).name < "step-0000020.pt":
            assert process.poll() is None, process.stdout.read().decode()
            assert time.monotonic() < deadline, "no checkpoint at step 20 within 300 s"
            time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    killed_at = checkpoints.load(checkpoints.latest(run_dir))["step"]
    stop = killed_at + 10
    resumed = subprocess.run(args + ["--stop-at", str(stop)], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert f"resumed from {checkpoints.directory(run_dir) / f'step-{killed_at:07d}.pt'} at step {killed_at}" in resumed.stdout
    final = checkpoints.load(checkpoints.latest(run_dir))
    assert final["step"] == stop
    steps_logged = [int(line.split("\t")[0]) for line in (run_dir / "loss.tsv").read_text().splitlines()[1:]]
    assert steps_logged == list(range(1, stop + 1))

    whole = Trainer(small_config(small_dataset, tmp_path / "whole", taef2_dir, checkpoint_every=10, steps=100000),
                    log=lambda _: None)
    whole.run(stop)
    assert max_weight_difference(whole.model.state_dict(), final["model"]) <= 1e-5


def test_warm_start_computes_the_checkpoint_function_then_learns(small_dataset, taef2_dir, tmp_path):
    stage1 = Trainer(small_config(small_dataset, tmp_path / "stage1", taef2_dir, unet=dataclasses.replace(
        configs.load(SMALL).unet, pooled_context=False)), log=lambda _: None)
    stage1.run(30)
    path = checkpoints.latest(tmp_path / "stage1")
    stage2 = Trainer(small_config(small_dataset, tmp_path / "stage2", taef2_dir, init_from=str(path), seed=8),
                     log=lambda _: None)
    assert stage2.model.unet.context_pool is not None and stage2.init_steps == 30
    batch = stage1.batch(10_000_000)
    with torch.no_grad():
        before = stage1.ema.unet(batch["x0"], batch["t"].float(),
                                 stage1.ema.condition(batch["ids"], batch["identity_index"], batch["faces"], batch["fuse"]))
        after = stage2.model.unet(batch["x0"], batch["t"].float(),
                                  stage2.model.condition(batch["ids"], batch["identity_index"], batch["faces"], batch["fuse"]))
    assert (before - after).abs().max().item() <= 1e-6
    stage2.run(20)
    assert stage2.model.unet.context_pool.proj.weight.abs().max().item() > 0
    state = checkpoints.load(checkpoints.latest(tmp_path / "stage2"))
    assert state["step"] == 20 and state["init_steps"] == 30


def test_warm_start_refuses_weights_of_another_shape(small_dataset, taef2_dir, tmp_path):
    small = configs.load(SMALL)
    other = Trainer(small_config(small_dataset, tmp_path / "other", taef2_dir,
                                 unet=dataclasses.replace(small.unet, channels=(32, 64))), log=lambda _: None)
    other.run(1)
    with pytest.raises(configs.ConfigError, match=r"do not fit this model \(.*unet\."):
        Trainer(small_config(small_dataset, tmp_path / "refused", taef2_dir,
                             init_from=str(checkpoints.latest(tmp_path / "other"))), log=lambda _: None)
    with pytest.raises(configs.ConfigError, match="checkpoint not found"):
        Trainer(small_config(small_dataset, tmp_path / "missing", taef2_dir, init_from=str(tmp_path / "none.pt")),
                log=lambda _: None)


def test_identity_probe_pairs_each_sample_with_another_person():
    from training.identity_probe import other_person
    people = ["a", "a", "b", "c", "c", "c"]
    assert other_person(people) == [2, 2, 3, 0, 0, 0]


def test_norms_compute_in_float32_under_bf16_autocast():
    from training.networks.norms import GroupNorm32, LayerNorm32
    torch.manual_seed(0)
    x = (torch.randn(2, 16, 4, 4) * 3 + 5).bfloat16()
    for norm, reference in ((GroupNorm32(4, 16), torch.nn.GroupNorm(4, 16)), (LayerNorm32(4), torch.nn.LayerNorm(4))):
        reference.load_state_dict(norm.state_dict())
        with torch.autocast("cpu", dtype=torch.bfloat16):
            out = norm(x)
        assert out.dtype == torch.bfloat16
        expected = reference(x.float())
        assert (out.float() - expected).abs().max().item() <= 0.02  # one bf16 rounding of a float32 result
        assert torch.equal(norm(x.float()), expected)  # float32 in: exactly the plain norm


def test_learning_rate_warms_up_holds_then_decays_by_a_cosine_to_its_floor():
    from training.config import TrainConfig
    from training.train import scheduled_learning_rate
    config = TrainConfig(steps=1000, learning_rate=1e-3, warmup_steps=100, decay_start=600, final_learning_rate_fraction=0.1)
    rates = [scheduled_learning_rate(config, step) for step in range(1000)]
    assert rates[0] == pytest.approx(1e-5) and rates[99] == pytest.approx(1e-3)
    assert all(rate == pytest.approx(1e-3) for rate in rates[100:601])
    assert rates[800] == pytest.approx(1e-3 * (0.1 + 0.9 * 0.5))  # half-way down the cosine
    assert rates[-1] == pytest.approx(1e-4, rel=1e-3)
    assert all(later <= earlier for earlier, later in zip(rates[600:], rates[601:]))
    constant = dataclasses.replace(config, decay_start=0)
    assert scheduled_learning_rate(constant, 999) == pytest.approx(1e-3)
