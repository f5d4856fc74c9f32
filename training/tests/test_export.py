"""The exporter writes a pack the runtime's contract describes; its float16 variant stores float16 weights.
(Numerical parity with ONNX Runtime is checked by the C# parity test on this same export.)"""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch
from onnx import TensorProto, numpy_helper

from training import taef2
from training.tests.synthetic import write_dataset

REPO = Path(__file__).resolve().parents[2]
ROLES = ["text_encoder", "unet", "vae_decoder", "vae_encoder", "face_encoder", "stea"]


@pytest.fixture(scope="module")
def face_encoder(tmp_path_factory):
    """A stand-in with the recognizer's tensor names and shapes (the real one is the C# converter's output)."""
    path = tmp_path_factory.mktemp("face") / "recognizer.onnx"

    class Recognizer(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv, self.fc = torch.nn.Conv2d(3, 8, 3, stride=4), torch.nn.Linear(8, 128)

        def forward(self, image):
            return self.fc(self.conv(image).mean(dim=(2, 3)))

    torch.onnx.export(Recognizer(), (torch.rand(1, 3, 150, 150),), str(path), input_names=["image"],
                      output_names=["descriptor"], dynamic_axes={"image": {0: "B"}, "descriptor": {0: "B"}},
                      opset_version=17)
    return path


@pytest.fixture(scope="module")
def exported(tmp_path_factory, taef2_dir, face_encoder):
    out = tmp_path_factory.mktemp("export")
    result = subprocess.run([sys.executable, "-m", "training.export_check", "--out", str(out), "--face-encoder",
                             str(face_encoder), "--taef2", str(taef2_dir)], cwd=REPO, capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=600)
    assert result.returncode == 0, result.stderr
    return out


def test_pack_json_declares_every_graph_as_exported(exported):
    manifest = json.loads((exported / "pack" / "pack.json").read_text())
    assert manifest["format"] == "portraitbooth-pack/1"
    assert manifest["latent"] == {"channels": 32, "scaling_factor": 1.0, "vae_scale": 8}
    assert manifest["vae"] == {"pixel_range": [0.0, 1.0]}
    assert set(manifest["defaults"]) == {"steps", "guidance", "width", "height"}
    assert "non-commercial" in manifest["card"]["licence"].lower()
    for role in ROLES:
        spec = manifest["models"][role]
        graph = onnx.load(str(exported / "pack" / spec["path"])).graph
        names = {t.name: t for t in list(graph.input) + list(graph.output)}
        for declared in list(spec["inputs"].values()) + list(spec["outputs"].values()):
            actual = names[declared["name"]].type.tensor_type
            dims = [d.dim_value if d.dim_value else d.dim_param for d in actual.shape.dim]
            assert len(dims) == len(declared["shape"]), (role, declared["name"], dims)
            for want, got in zip(declared["shape"], dims):
                if isinstance(want, int):
                    assert got == want, (role, declared["name"], dims)
                else:
                    assert isinstance(got, str), f"{role}.{declared['name']} dim {want} is fixed at {got} in the graph"
    import hashlib
    for path, digest in manifest["files"].items():
        assert hashlib.sha256((exported / "pack" / path).read_bytes()).hexdigest() == digest


def test_float16_pack_stores_float16_weights_with_float32_io(exported):
    for role in ROLES:
        full = onnx.load(str(exported / "pack" / role / "model.onnx"))
        half = onnx.load(str(exported / "pack-fp16" / role / "model.onnx"))
        big = [i for i in half.graph.initializer if numpy_helper.to_array(i).size >= 16]
        assert any(i.data_type == TensorProto.FLOAT16 for i in big), role
        assert not [i.name for i in big if i.data_type == TensorProto.FLOAT], role
        for a, b in zip(full.graph.input, half.graph.input):
            assert a.type.tensor_type.elem_type == b.type.tensor_type.elem_type
        assert float_weight_bytes(half) <= 0.51 * float_weight_bytes(full), role


def float_weight_bytes(model):
    arrays = [numpy_helper.to_array(i) for i in model.graph.initializer]
    return sum(a.nbytes for a in arrays if a.dtype in (np.float32, np.float16))


def test_parity_data_names_each_graph_and_its_tensors(exported):
    parity = json.loads((exported / "parity" / "manifest.json").read_text())
    assert parity["format"] == "portraitbooth-parity/1"
    roles = {(g["role"], g["weights"]) for g in parity["graphs"]}
    for role in ["text_encoder", "unet", "vae_decoder", "vae_encoder", "stea"]:
        assert (role, "float32") in roles and (role, "float16") in roles
    for graph in parity["graphs"]:
        assert (exported / "parity" / graph["model"]).resolve().is_file()
        for name in graph["inputs"] + graph["outputs"]:
            tensor = onnx.TensorProto()
            tensor.ParseFromString((exported / "parity" / graph["role"] / f"{name}.pb").read_bytes())
            assert tensor.name == name


def test_taef2_definition_loads_the_weights_and_round_trips_faces(taef2_dir, tmp_path):
    encoder, decoder = taef2.load(taef2_dir)
    folder = write_dataset(tmp_path / "d", count=4, size=64)
    from training.dataset import load_rgb
    pixels = torch.from_numpy(np.stack([load_rgb(p) for p in sorted((folder / "crops").glob("*.png"))])).permute(0, 3, 1, 2)
    with torch.no_grad():
        latents = encoder(pixels)
        restored = decoder(latents).clamp(0, 1)
    assert latents.shape == (4, 32, 8, 8)
    psnr = 10 * torch.log10(1 / (restored - pixels).square().mean()).item()
    assert psnr > 25, f"TAEF2 round trip PSNR {psnr:.1f} dB"
