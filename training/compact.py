"""`python3 -m training.compact DATASET OUT`: a copy of a prepared dataset small enough to carry to a training
machine — crops re-encoded as JPEG (quality 90), masks and everything else as
they are, and a manifest pointing at the JPEGs. The trainer reads the copy like the original; its latents differ
from the PNGs' by JPEG's rounding, so a pack trained on it says so in its model card."""
import json
import shutil
import sys
from pathlib import Path

from PIL import Image

from .dataset import ManifestError, read_manifest

QUALITY = 90


def compact(source, out):
    manifest, root = read_manifest(source)
    out = Path(out)
    (out / "crops").mkdir(parents=True, exist_ok=True)
    (out / "masks").mkdir(parents=True, exist_ok=True)
    for sample in manifest["samples"]:
        crop = Path(sample["crop"]).with_suffix(".jpg")
        with Image.open(root / sample["crop"]) as image:
            image.convert("RGB").save(out / crop, quality=QUALITY)
        sample["crop"] = crop.as_posix()
        shutil.copyfile(root / sample["mask"], out / sample["mask"])
    manifest["crop"]["stored_as"] = f"JPEG quality {QUALITY} (training.compact)"
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return len(manifest["samples"])


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python3 -m training.compact DATASET OUT", file=sys.stderr)
        return 2
    try:
        count = compact(args[0], args[1])
    except (ManifestError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{count} samples written to {args[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
