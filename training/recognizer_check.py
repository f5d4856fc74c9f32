"""Parity data for the trainer's face recognizer (the DIP loss's φ), for the C# parity test:
`/usr/bin/python3 -m training.recognizer_check --recognizer models/face/recognizer.onnx --photos DIR --out DIR`
runs `networks.face_recognizer` on face photos (one per folder, each cut to its centre square, resized to 150×150) and on one
noise image, and writes what it returned beside the ONNX file's name, to be run in ONNX Runtime on the same input.
With `--faces FACES.json` ([{"photo": PATH, "landmarks": [[x, y] × 68]}, …]) it also writes DIR/aligned.pb: the
descriptors of those faces as the identity loss computes them (identity_loss.align in torch, then the recognizer),
for the C# test to compare with the runtime's FaceAligner and recognizer."""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from onnx import numpy_helper

from . import identity_loss
from .networks import face_recognizer
from .parity import ParityWriter

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")


def square_crop(path, size=face_recognizer.INPUT_SIZE):
    with Image.open(path) as image:
        image = image.convert("RGB")
        side = min(image.size)
        left, top = (image.width - side) // 2, (image.height - side) // 2
        image = image.crop((left, top, left + side, top + side)).resize((size, size), Image.BILINEAR)
        return torch.from_numpy(np.asarray(image, dtype=np.float32).copy()).permute(2, 0, 1)


def inputs(photos, count):
    """The first photo of each folder (one per person in a folder-per-person layout), then noise."""
    first = {}
    for path in sorted(p for p in Path(photos).rglob("*") if p.suffix.lower() in PHOTO_SUFFIXES):
        first.setdefault(path.parent, path)
    paths = list(first.values())[:count]
    if not paths:
        raise FileNotFoundError(f"{photos} holds no .jpg or .png photos")
    noise = torch.rand(3, face_recognizer.INPUT_SIZE, face_recognizer.INPUT_SIZE, generator=torch.Generator().manual_seed(0)) * 255
    return torch.stack([square_crop(p) for p in paths] + [noise])


def aligned_descriptors(model, faces_path):
    descriptors = []
    for face in json.loads(Path(faces_path).read_text(encoding="utf-8")):
        with Image.open(face["photo"]) as image:
            pixels = torch.from_numpy(np.asarray(image.convert("RGB"), dtype=np.float32).copy()).permute(2, 0, 1)
        points = identity_loss.reference_points(torch.tensor(face["landmarks"], dtype=torch.float32))
        descriptors.append(model(identity_loss.align(pixels[None], points[None]))[0])
    return torch.stack(descriptors)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m training.recognizer_check", description=__doc__.splitlines()[0])
    parser.add_argument("--recognizer", required=True, help="face-api's recognizer as the project converts it")
    parser.add_argument("--photos", required=True, help="a folder of face photos (searched recursively)")
    parser.add_argument("--out", required=True, help="the parity folder to write")
    parser.add_argument("--count", type=int, default=4, help="how many photos (plus one noise image)")
    parser.add_argument("--faces", help="JSON list of photos with 68 landmarks each: also write aligned.pb")
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    try:
        model = face_recognizer.load(args.recognizer)
        image = inputs(args.photos, args.count)
        with torch.no_grad():
            descriptor = model(image)
            aligned = aligned_descriptors(model, args.faces) if args.faces else None
    except (FileNotFoundError, ValueError, KeyError, json.JSONDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    parity = ParityWriter(args.out, args.out)
    parity.add_model("face-recognizer", Path(args.recognizer).resolve(), {"image": image}, {"descriptor": descriptor})
    parity.write()
    if aligned is not None:
        (Path(args.out) / "aligned.pb").write_bytes(numpy_helper.from_array(aligned.numpy(), "descriptor").SerializeToString())
    print(f"{len(image)} images: descriptor norms {', '.join(f'{n:.3f}' for n in descriptor.norm(dim=1).tolist())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
