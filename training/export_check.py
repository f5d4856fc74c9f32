"""A small random-initialised pack plus parity data, in seconds, for the C# parity test:
`/usr/bin/python3 -m training.export_check --out DIR` writes DIR/pack, DIR/pack-fp16 (the same weights stored
as float16) and DIR/parity (both packs' graphs against torch's outputs)."""
import argparse
import sys
from pathlib import Path

import torch

from . import config as configs, taef2
from .export import REPO, ExportError, export_pack
from .model import PortraitModel
from .parity import ParityWriter
from .tests.synthetic import clip_ids

CONFIG = REPO / "training" / "configs" / "test-small.json"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m training.export_check", description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--face-encoder", default=str(REPO / "models" / "face" / "recognizer.onnx"))
    parser.add_argument("--taef2", default=str(REPO.parent / "shared" / "models" / "taef2"))
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    out = Path(args.out)
    try:
        config = configs.load(CONFIG)
        encoder, decoder = taef2.load(args.taef2)
        torch.manual_seed(config.seed)
        known = sorted(set(clip_ids("a photo of a smiling man woman")))
        model = PortraitModel(config, known, torch.zeros(128))
        if model.unet.context_pool is not None:  # zero at initialisation: make the parity check see it
            torch.nn.init.normal_(model.unet.context_pool.proj.weight, std=0.05)
        parity = ParityWriter(out / "parity", out / "pack")
        export_pack(model, encoder, decoder, config, args.face_encoder, out / "pack", parity=parity)
        export_pack(model, encoder, decoder, config, args.face_encoder, out / "pack-fp16", half=True)
        parity.add_variant(out / "pack-fp16", "float16")
        parity.write()
    except (ExportError, configs.ConfigError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
