"""Bad input to the trainer: a missing, empty or malformed manifest, or a config with an unknown key, ends the
run with exit code 2 and one `error:` line naming the problem, before any work."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from training import config as configs, dataset

REPO = Path(__file__).resolve().parents[2]
SMALL = REPO / "training" / "configs" / "test-small.json"


def train(*args):
    return subprocess.run([sys.executable, "-m", "training.train", *args], cwd=REPO, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=120)


def test_missing_manifest_is_named(tmp_path):
    result = train("--config", str(SMALL), "--dataset", str(tmp_path / "nowhere"), "--run-dir", str(tmp_path / "run"))
    assert result.returncode == 2
    assert f"error: dataset manifest not found: {tmp_path / 'nowhere'}\n" in result.stderr
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("content, message", [
    ("", "the manifest is empty"),
    ("{\"format\": ", "not valid JSON"),
    ("[1, 2]", "the manifest must be a JSON object"),
    (json.dumps({"format": "something-else/1"}), "format 'something-else/1' is not 'portraitbooth-dataset/1'"),
    (json.dumps({"format": "portraitbooth-dataset/1", "tokenizer": {}, "samples": [], "identity_words": [], "crop": {}}),
     "missing key 'tokenizer.max_length'"),
])
def test_unusable_manifest_is_refused_with_the_reason(tmp_path, content, message):
    (tmp_path / "manifest.json").write_text(content)
    result = train("--config", str(SMALL), "--dataset", str(tmp_path), "--run-dir", str(tmp_path / "run"))
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and message in result.stderr


def test_manifest_without_training_samples_is_refused(small_dataset, tmp_path):
    manifest = json.loads((small_dataset / "manifest.json").read_text())
    for sample in manifest["samples"]:
        sample["split"] = "test"
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(dataset.ManifestError, match="no sample has split 'train'"):
        dataset.read_manifest(tmp_path)


def test_caption_whose_identity_index_is_outside_its_ids_is_refused(small_dataset, tmp_path):
    manifest = json.loads((small_dataset / "manifest.json").read_text())
    manifest["samples"][3]["captions"][0]["identity_index"] = 40
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(dataset.ManifestError, match=r"samples\[3\]\.captions\[0\]\.identity_index is outside its ids"):
        dataset.read_manifest(tmp_path)


def test_config_with_an_unknown_key_is_refused(tmp_path, small_dataset):
    config = json.loads(SMALL.read_text())
    config["unet"]["chanels"] = [8, 8]
    (tmp_path / "bad.json").write_text(json.dumps(config))
    result = train("--config", str(tmp_path / "bad.json"), "--dataset", str(small_dataset), "--run-dir", str(tmp_path / "run"))
    assert result.returncode == 2
    assert "unknown key chanels" in result.stderr and ".unet" in result.stderr


@pytest.mark.parametrize("change, message", [
    ({"steps": 0}, "steps must be positive"),
    ({"batch_size": "32"}, "batch_size: expected an integer"),
    ({"text_only_fraction": 0.6, "unconditional_fraction": 0.6}, "exceed 1"),
    ({"device": "tpu"}, "device must be cpu, cuda or cuda:N"),
    ({"precision": "fp16"}, "precision must be one of fp32, bf16"),
])
def test_config_values_are_checked(tmp_path, change, message):
    config = {**json.loads(SMALL.read_text()), **change}
    (tmp_path / "c.json").write_text(json.dumps(config))
    with pytest.raises(configs.ConfigError, match=message):
        configs.load(tmp_path / "c.json")


def test_missing_and_malformed_configs_are_named(tmp_path):
    with pytest.raises(configs.ConfigError, match="config not found"):
        configs.load(tmp_path / "none.json")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(configs.ConfigError, match="not valid JSON"):
        configs.load(tmp_path / "broken.json")


def test_dataset_check_reports_missing_crops(small_dataset, tmp_path):
    manifest = json.loads((small_dataset / "manifest.json").read_text())
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    result = subprocess.run([sys.executable, "-m", "training.dataset", str(tmp_path)], cwd=REPO, capture_output=True,
                            text=True, env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert result.returncode == 2 and "crop or mask files are missing" in result.stderr
    ok = subprocess.run([sys.executable, "-m", "training.dataset", str(small_dataset)], cwd=REPO, capture_output=True,
                        text=True, env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert ok.returncode == 0 and "8 samples (train 7 samples / 4 people, validation 1 samples / 1 people)" in ok.stdout


@pytest.mark.parametrize("path", sorted((REPO / "training" / "configs").glob("*.json")), ids=lambda p: p.name)
def test_every_shipped_config_loads(path):
    config = configs.load(path)
    assert config.precision in configs.PRECISIONS and config.steps > 0
