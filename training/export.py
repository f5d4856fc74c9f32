"""Exports a trained run as a model pack (models/README.md): five graphs by torch.onnx.export (opset 17), the
project's converted face recognizer as face_encoder, the CLIP tokenizer files, pack.json with its model card,
and parity data (inputs and torch's outputs) for the C# parity test.

`/usr/bin/python3 -m training.export --run-dir RUN --out models/portrait-128 [--fp16] [--parity DIR]`
"""
import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

import onnx
import torch

from . import checkpoints, config as configs, expressions, fp16, taef2
from .card import emotion_caption_summary, model_card, write_readme
from .model import FACE_WIDTH, PortraitModel
from .parity import ParityWriter

REPO = Path(__file__).resolve().parents[1]
OPSET = 17
FORMAT = "portraitbooth-pack/1"


class ExportError(ValueError):
    """The run or an input of the export cannot be used; the message says which."""


def _graph(module, args, path, inputs, outputs, dynamic):
    path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(module, args, str(path), input_names=inputs, output_names=outputs, dynamic_axes=dynamic,
                          opset_version=OPSET, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(str(path)))


class _UnetGraph(torch.nn.Module):
    def __init__(self, unet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, encoder_hidden_states):
        return self.unet(sample, timestep, encoder_hidden_states)


def tensor(name, dtype, shape):
    return {"name": name, "dtype": dtype, "shape": shape}


def export_pack(model, encoder, decoder, config, face_encoder, out, half=False, parity=None, info=None):
    """Writes the pack folder `out` (must not exist or be empty) and returns its pack.json; with a ParityWriter,
    records each graph's inputs and torch outputs in it (the caller writes it)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise ExportError(f"{out} exists and is not empty")
    face_encoder = Path(face_encoder)
    if not face_encoder.is_file():
        raise ExportError(f"face encoder not found: {face_encoder} (run `./portraitbooth models convert-face-api`)")
    model = model.cpu().eval()
    width = config.text.width
    channels = taef2.LATENT_CHANNELS
    g = torch.Generator().manual_seed(1234)

    ids = torch.tensor([model.text_encoder.known_ids[:5] + [49407] * 72, [49406, 49407] + [49407] * 75], dtype=torch.int32)
    _graph(model.text_encoder, (ids,), out / "text_encoder/model.onnx", ["input_ids"], ["last_hidden_state"],
           {"input_ids": {0: "B"}, "last_hidden_state": {0: "B"}})
    sample = torch.randn(2, channels, 16, 24, generator=g)
    timestep = torch.tensor([999.0, 500.5])
    hidden = torch.randn(2, 77, width, generator=g)
    _graph(_UnetGraph(model.unet), (sample, timestep, hidden), out / "unet/model.onnx",
           ["sample", "timestep", "encoder_hidden_states"], ["out_sample"],
           {"sample": {0: "B", 2: "h", 3: "w"}, "timestep": {0: "B"}, "encoder_hidden_states": {0: "B"},
            "out_sample": {0: "B", 2: "h", 3: "w"}})
    token, face = torch.randn(3, width, generator=g), torch.randn(3, FACE_WIDTH, generator=g) * 0.1
    _graph(model.stea, (token, face), out / "stea/model.onnx", ["token", "face"], ["fused"],
           {"token": {0: "N"}, "face": {0: "N"}, "fused": {0: "N"}})
    latent = torch.randn(2, channels, 16, 16, generator=g)
    _graph(decoder, (latent,), out / "vae_decoder/model.onnx", ["latent_sample"], ["sample"],
           {"latent_sample": {0: "B", 2: "h", 3: "w"}, "sample": {0: "B", 2: "H", 3: "W"}})
    pixels = torch.rand(2, 3, 128, 128, generator=g)
    _graph(encoder, (pixels,), out / "vae_encoder/model.onnx", ["sample"], ["latent_sample"],
           {"sample": {0: "B", 2: "H", 3: "W"}, "latent_sample": {0: "B", 2: "h", 3: "w"}})
    if parity:
        with torch.no_grad():
            parity.add("text_encoder", {"input_ids": ids}, {"last_hidden_state": model.text_encoder(ids)})
            parity.add("unet", {"sample": sample, "timestep": timestep, "encoder_hidden_states": hidden},
                       {"out_sample": model.unet(sample, timestep, hidden)})
            parity.add("stea", {"token": token, "face": face}, {"fused": model.stea(token, face)})
            parity.add("vae_decoder", {"latent_sample": latent}, {"sample": decoder(latent)})
            parity.add("vae_encoder", {"sample": pixels}, {"latent_sample": encoder(pixels)})

    face_target = out / "face_encoder/model.onnx"
    face_target.parent.mkdir(parents=True)
    shutil.copyfile(face_encoder, face_target)
    face_graph = onnx.load(str(face_target)).graph
    face_input, face_output = face_graph.input[0].name, face_graph.output[0].name
    face_side = face_graph.input[0].type.tensor_type.shape.dim[2].dim_value
    if half:
        for role in ("text_encoder", "unet", "stea", "vae_decoder", "vae_encoder", "face_encoder"):
            fp16.store_weights_as_float16(out / role / "model.onnx")
        if parity:
            parity.mark_float16()
    for name in ("vocab.json", "merges.txt"):
        (out / "tokenizer").mkdir(exist_ok=True)
        shutil.copyfile(REPO / "models" / "clip-tokenizer" / name, out / "tokenizer" / name)

    p = config.pack
    name = f"{p.name}-fp16" if half and not p.name.endswith("fp16") else p.name
    card = model_card(config, model, info or {})
    write_readme(out / "README.md", name, config, card, info or {})
    latent_dims = ["B", channels, "h", "w"]
    manifest = {
        "format": FORMAT, "name": name, "version": p.version,
        "latent": {"channels": channels, "scaling_factor": 1.0, "vae_scale": taef2.SCALE},
        "size": {"default_width": p.size, "default_height": p.size, "multiple": p.size_multiple,
                 "min": p.size_min, "max": p.size_max},
        "scheduler": json.loads(json.dumps(config.scheduler.__dict__)),
        "tokenizer": {"vocab": "tokenizer/vocab.json", "merges": "tokenizer/merges.txt", "max_length": 77,
                      "pad_id": 49407, "bos_id": 49406, "eos_id": 49407},
        "identity_words": ["man", "woman"],
        "expression_words": ["happy", "sad", "angry", "surprised", "disgusted", "fearful", "smiling", "laughing",
                             "crying", "neutral", "shocked"],
        "face": {"width": face_side, "height": face_side, "alignment": "dlib-150", "mean": [0.0, 0.0, 0.0],
                 "std": [1 / 255.0] * 3, "color_order": "rgb"},
        "stea": {"token_width": width, "face_width": FACE_WIDTH, "hidden_width": config.stea.hidden_width},
        "vae": {"pixel_range": list(taef2.PIXEL_RANGE)},
        "defaults": {"steps": p.default_steps, "guidance": p.default_guidance, "width": p.size, "height": p.size},
        "card": card,
        "models": {
            "text_encoder": {"path": "text_encoder/model.onnx",
                             "inputs": {"input_ids": tensor("input_ids", "int32", ["B", 77])},
                             "outputs": {"last_hidden_state": tensor("last_hidden_state", "float32", ["B", 77, width])}},
            "unet": {"path": "unet/model.onnx",
                     "inputs": {"sample": tensor("sample", "float32", latent_dims),
                                "timestep": tensor("timestep", "float32", ["B"]),
                                "encoder_hidden_states": tensor("encoder_hidden_states", "float32", ["B", 77, width])},
                     "outputs": {"out_sample": tensor("out_sample", "float32", latent_dims)}},
            "vae_decoder": {"path": "vae_decoder/model.onnx",
                            "inputs": {"latent_sample": tensor("latent_sample", "float32", latent_dims)},
                            "outputs": {"sample": tensor("sample", "float32", ["B", 3, "H", "W"])}},
            "vae_encoder": {"path": "vae_encoder/model.onnx",
                            "inputs": {"sample": tensor("sample", "float32", ["B", 3, "H", "W"])},
                            "outputs": {"latent_sample": tensor("latent_sample", "float32", latent_dims)}},
            "face_encoder": {"path": "face_encoder/model.onnx",
                             "inputs": {"face": tensor(face_input, "float32", ["B", 3, face_side, face_side])},
                             "outputs": {"embedding": tensor(face_output, "float32", ["B", FACE_WIDTH])}},
            "stea": {"path": "stea/model.onnx",
                     "inputs": {"token": tensor("token", "float32", ["N", width]),
                                "face": tensor("face", "float32", ["N", FACE_WIDTH])},
                     "outputs": {"fused": tensor("fused", "float32", ["N", width])}},
        },
        "files": {},
    }
    manifest["files"] = {path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
                         for path in sorted(out.rglob("*")) if path.is_file()}
    (out / "pack.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def load_run(run_dir, checkpoint=None):
    """(EMA model, config, steps trained: the run's and those of the run it started from) of a run."""
    path = Path(checkpoint) if checkpoint else checkpoints.latest(run_dir)
    if path is None or not path.is_file():
        raise ExportError(f"no checkpoint in {run_dir}")
    state = checkpoints.load(path)
    config = configs.from_dict(state["config"], f"{path} config")
    model = PortraitModel(config, state["known_ids"], state["face_mean"])
    model.load_state_dict(state["ema"])
    return model, config, state.get("init_steps", 0) + state["step"]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m training.export", description=__doc__.splitlines()[0])
    parser.add_argument("--run-dir", required=True)
    parser.add_argument("--checkpoint", help="a checkpoint file (default: the run's newest)")
    parser.add_argument("--out", required=True, help="the pack folder to write (new or empty)")
    parser.add_argument("--fp16", action="store_true", help="store weights as float16 (inputs and outputs stay float32)")
    parser.add_argument("--parity", help="also write parity data here (inputs and torch outputs per graph)")
    parser.add_argument("--face-encoder", default=str(REPO / "models" / "face" / "recognizer.onnx"))
    parser.add_argument("--taef2", default=str(REPO.parent / "shared" / "models" / "taef2"))
    parser.add_argument("--info", help="JSON file with measured facts for the card (training time, evaluation)")
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    try:
        model, config, step = load_run(args.run_dir, args.checkpoint)
        encoder, decoder = taef2.load(args.taef2)
        info = json.loads(Path(args.info).read_text()) if args.info else {}
        info.setdefault("steps_trained", step)
        balance_report = Path(args.run_dir) / expressions.REPORT_FILE
        if config.expression_balance and balance_report.is_file():
            info.setdefault("emotion_captions", emotion_caption_summary(json.loads(balance_report.read_text())))
        parity = ParityWriter(args.parity, args.out) if args.parity else None
        manifest = export_pack(model, encoder, decoder, config, args.face_encoder, args.out, args.fp16, parity, info)
        if parity:
            parity.write()
    except (ExportError, configs.ConfigError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}: {manifest['name']} ({sum((Path(args.out) / f).stat().st_size for f in manifest['files']) / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
