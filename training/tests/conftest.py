"""Shared fixtures: TAEF2 from ../shared (fail in CI when missing, skip elsewhere) and a small synthetic dataset."""
import os
from pathlib import Path

import pytest
import torch

from training.tests.synthetic import write_dataset

REPO = Path(__file__).resolve().parents[2]
TAEF2 = Path(os.environ.get("PORTRAITBOOTH_TAEF2", REPO.parent / "shared" / "models" / "taef2"))


@pytest.fixture(scope="session")
def taef2_dir():
    if not (TAEF2 / "taef2_encoder.pth").is_file():
        message = f"TAEF2 weights not found at {TAEF2} (../shared/models/taef2)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return TAEF2


@pytest.fixture(autouse=True)
def two_threads():
    torch.set_num_threads(2)


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory):
    return write_dataset(tmp_path_factory.mktemp("dataset"), count=8, size=64)
