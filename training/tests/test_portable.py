"""What carries a run to and from another training machine: the compacted dataset trains like the original,
a time-boxed run stops with a checkpoint, and split-then-joined weights are the run's EMA weights."""
import pytest
import torch

from training import checkpoints, compact, dataset, export, transfer
from training.tests.test_train import small_config
from training.train import Trainer


def test_compacted_dataset_reads_as_jpeg_crops_with_the_same_samples(small_dataset, tmp_path):
    count = compact.compact(small_dataset, tmp_path / "compact")
    manifest, root = dataset.read_manifest(tmp_path / "compact")
    original, _ = dataset.read_manifest(small_dataset)
    assert count == len(original["samples"]) == len(manifest["samples"])
    assert [s["id"] for s in manifest["samples"]] == [s["id"] for s in original["samples"]]
    for sample in manifest["samples"]:
        assert (root / sample["crop"]).read_bytes()[:3] == b"\xff\xd8\xff", sample["crop"]
        assert (root / sample["mask"]).is_file()
    a = dataset.load_rgb(small_dataset / original["samples"][0]["crop"])
    b = dataset.load_rgb(root / manifest["samples"][0]["crop"])
    assert abs(a - b).mean() < 0.03, "JPEG rounding only"


def test_time_boxed_run_stops_early_with_a_checkpoint(small_dataset, taef2_dir, tmp_path):
    trainer = Trainer(small_config(small_dataset, tmp_path / "run", taef2_dir), log=lambda _: None)
    stopped = trainer.run(max_seconds=1e-9)
    assert stopped == 1
    assert checkpoints.latest(tmp_path / "run").name == "step-0000001.pt"
    assert (tmp_path / "run" / "samples" / "step-0000001.png").is_file(), "the stop writes a sample grid"


def test_split_then_joined_weights_export_as_the_runs_ema(small_dataset, taef2_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(transfer, "PART_BYTES", 200_000)  # several parts even for the small model
    trainer = Trainer(small_config(small_dataset, tmp_path / "run", taef2_dir), log=lambda _: None)
    trainer.run(3)
    _, parts = transfer.split(tmp_path / "run", tmp_path / "parts")
    assert parts > 1
    joined = transfer.join(tmp_path / "parts", tmp_path / "joined")
    model, config, step = export.load_run(tmp_path / "joined")
    assert step == 3 and config.unet == trainer.config.unet
    for name, weight in trainer.ema.state_dict().items():
        assert torch.equal(model.state_dict()[name], weight), name
    assert checkpoints.load(joined)["config"]["run_dir"] == str(tmp_path / "joined")


def test_split_of_a_run_without_checkpoints_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        transfer.split(tmp_path / "empty", tmp_path / "out")


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_bench_prints_the_trainer_step_against_a_bare_step_in_either_precision(small_dataset, taef2_dir, tmp_path, capsys, precision):
    import json
    from training import bench
    from training.tests.test_train import SMALL
    config = {**json.loads(SMALL.read_text()), "dataset": str(small_dataset), "run_dir": str(tmp_path / "run"),
              "taef2": str(taef2_dir), "precision": precision}
    (tmp_path / "c.json").write_text(json.dumps(config))
    bench.main(["--config", str(tmp_path / "c.json"), "--steps", "2"])
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith("batch 8: bare forward+backward+step ") and "(ratio " in line and "batch building" in line, line
