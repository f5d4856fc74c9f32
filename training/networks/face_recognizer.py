"""face-api's face recognizer (a ResNet-34-like network, 150×150 RGB in 0..255, a 128-D descriptor out) as a
differentiable torch module, for the identity loss (DIP). The weights are read from the ONNX file the project
converts (`models/face/recognizer.onnx`, initializers named after face-api's weight map), so the trainer scores
faces with exactly the network the runtime uses; the module definition follows face-api's `faceRecognitionNet`."""
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

INPUT_SIZE = 150
DESCRIPTOR_WIDTH = 128
# Stage name → residual blocks after its down block (conv32 has no down block: the stem stands before it).
STAGES = (("conv32", 3), ("conv64", 3), ("conv128", 2), ("conv256", 2))


class ConvScale(nn.Module):
    """A convolution followed by face-api's per-channel scale layer (folded batch norm): conv(x)·w + b."""

    def __init__(self, in_channels, out_channels, kernel, stride, padding):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel, stride, padding)
        self.weight = nn.Parameter(torch.ones(out_channels, 1, 1))
        self.bias = nn.Parameter(torch.zeros(out_channels, 1, 1))

    def forward(self, x):
        return self.conv(x) * self.weight + self.bias


class Residual(nn.Module):
    """Two 3×3 convolutions and the identity shortcut; a down block halves the side with a stride-2 'valid'
    convolution, and its shortcut is a 2×2 average pool, zero-padded in channels (and the main path padded by one
    row and column where the two sides come out one apart, as face-api does)."""

    def __init__(self, in_channels, out_channels, down):
        super().__init__()
        self.down = down
        self.conv1 = ConvScale(in_channels, out_channels, 3, 2 if down else 1, 0 if down else 1)
        self.conv2 = ConvScale(out_channels, out_channels, 3, 1, 1)

    def forward(self, x):
        out = self.conv2(F.relu(self.conv1(x)))
        shortcut = x
        if self.down:
            shortcut = F.avg_pool2d(x, 2, 2)
            missing = out.shape[1] - shortcut.shape[1]
            shortcut = F.pad(shortcut, (0, 0, 0, 0, 0, missing))
            out = F.pad(out, (0, shortcut.shape[3] - out.shape[3], 0, shortcut.shape[2] - out.shape[2]))
        return F.relu(out + shortcut)


class FaceRecognizer(nn.Module):
    """image [B,3,150,150] RGB in 0..255 (an aligned face, as the runtime's AlignedFaceInput cuts it) → [B,128]."""

    def __init__(self):
        super().__init__()
        self.register_buffer("mean_rgb", torch.tensor([122.782, 117.001, 104.298]).view(1, 3, 1, 1))
        self.stem = ConvScale(3, 32, 7, 2, 0)
        blocks, width = {}, 32
        for name, count in STAGES:
            channels = int(name[4:])
            if channels != 32:
                blocks[f"{name}_down"] = Residual(width, channels, down=True)
            blocks.update({f"{name}_{i}": Residual(channels, channels, down=False) for i in range(1, count + 1)})
            width = channels
        blocks["conv256_down_out"] = Residual(width, width, down=True)
        self.blocks = nn.ModuleDict(blocks)
        self.fc = nn.Parameter(torch.zeros(width, DESCRIPTOR_WIDTH))

    def forward(self, image):
        x = F.relu(self.stem((image - self.mean_rgb) / 255.0))
        x = F.max_pool2d(x, 3, 2)
        for block in self.blocks.values():
            x = block(x)
        return x.mean(dim=(2, 3)) @ self.fc

    def onnx_names(self):
        """This module's parameter name → the converted ONNX file's initializer name."""
        names = {"fc": "fc"}
        for prefix, layer in [("stem", "conv32_down")] + [
                (f"blocks.{block}.{conv}", f"{block}/{conv}") for block in self.blocks for conv in ("conv1", "conv2")]:
            names |= {f"{prefix}.conv.weight": f"{layer}/conv/filters", f"{prefix}.conv.bias": f"{layer}/conv/bias",
                      f"{prefix}.weight": f"{layer}/scale/weights", f"{prefix}.bias": f"{layer}/scale/biases"}
        return names


def load(onnx_path):
    """The recognizer with the weights of the converted ONNX file, frozen and in eval mode."""
    import onnx
    from onnx import numpy_helper

    path = Path(onnx_path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: convert face-api's networks first (portraitbooth models convert-face-api)")
    initializers = {i.name: i for i in onnx.load(str(path)).graph.initializer}
    model = FaceRecognizer()
    state = {}
    for name, onnx_name in model.onnx_names().items():
        if onnx_name not in initializers:
            raise ValueError(f"{path} has no initializer '{onnx_name}': not face-api's recognizer as the project converts it")
        value = torch.from_numpy(numpy_helper.to_array(initializers[onnx_name]).copy())
        expected = model.state_dict()[name].shape
        if value.shape != expected:
            raise ValueError(f"{path}: '{onnx_name}' is {tuple(value.shape)}, the recognizer needs {tuple(expected)}")
        state[name] = value
    model.load_state_dict({**model.state_dict(), **state})
    return model.eval().requires_grad_(False)
