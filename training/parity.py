"""Parity data for the C# test (tests: export parity): per graph, the inputs torch was given and the outputs it
returned, as ONNX TensorProto files, and parity/manifest.json naming the graph file and a tolerance."""
import json
import os
from pathlib import Path

from onnx import numpy_helper

FORMAT = "portraitbooth-parity/1"
FLOAT32_TOLERANCE = 1e-3
FLOAT16_TOLERANCE = 5e-2  # reported, not a contract: float16 weights round each value once


class ParityWriter:
    def __init__(self, folder, pack_dir):
        self.folder, self.pack_dir = Path(folder), Path(pack_dir)
        self.graphs = []

    def add(self, role, inputs, outputs):
        """A graph of the pack (pack_dir/role/model.onnx)."""
        self.add_model(role, self.pack_dir / role / "model.onnx", inputs, outputs)

    def add_model(self, role, model_path, inputs, outputs):
        """Any ONNX file, checked under the name `role`."""
        folder = self.folder / role
        folder.mkdir(parents=True, exist_ok=True)
        for name, value in {**inputs, **outputs}.items():
            (folder / f"{name}.pb").write_bytes(numpy_helper.from_array(value.detach().cpu().numpy(), name).SerializeToString())
        self.graphs.append({"role": role, "model": self._relative(Path(model_path)),
                            "inputs": list(inputs), "outputs": list(outputs), "tolerance": FLOAT32_TOLERANCE,
                            "weights": "float32"})

    def mark_float16(self):
        for graph in self.graphs:
            graph["tolerance"], graph["weights"] = FLOAT16_TOLERANCE, "float16"

    def add_variant(self, pack_dir, weights):
        """The same tensors checked against another pack's graphs (the float16 export of the same weights)."""
        for graph in [g for g in self.graphs if g["weights"] == "float32"]:
            self.graphs.append({**graph, "model": self._relative(Path(pack_dir) / graph["role"] / "model.onnx"),
                                "weights": weights,
                                "tolerance": FLOAT16_TOLERANCE if weights == "float16" else FLOAT32_TOLERANCE})

    def _relative(self, path):
        return Path(os.path.relpath(path, self.folder)).as_posix()

    def write(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "manifest.json").write_text(json.dumps({"format": FORMAT, "graphs": self.graphs}, indent=2) + "\n")
