"""The prepared dataset (`portraitbooth dataset prepare`, docs/dataset.md): manifest checks, and the tensors the
trainer samples from, all in memory — TAEF2 latents of every crop and its mirror image are computed once."""
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from .identity_loss import reference_points

FORMAT = "portraitbooth-dataset/1"
_SAMPLE_KEYS = ("id", "person", "split", "crop", "mask", "embedding", "landmarks", "captions")
_CAPTION_KEYS = ("text", "ids", "identity_index")


class ManifestError(ValueError):
    """A manifest that cannot be trained on; the message names the file and what is wrong."""


def read_manifest(path):
    path = Path(path)
    if path.is_dir():
        path = path / "manifest.json"
    if not path.is_file():
        raise ManifestError(f"dataset manifest not found: {path}")
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        raise ManifestError(f"{path}: the manifest is empty")
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as error:
        raise ManifestError(f"{path}: not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})") from None
    _check(manifest, path)
    return manifest, path.parent


def _check(manifest, path):
    if not isinstance(manifest, dict):
        raise ManifestError(f"{path}: the manifest must be a JSON object")
    if manifest.get("format") != FORMAT:
        raise ManifestError(f"{path}: format {manifest.get('format')!r} is not {FORMAT!r}")
    for key in ("tokenizer", "samples", "identity_words", "crop"):
        if key not in manifest:
            raise ManifestError(f"{path}: missing key '{key}'")
    for key in ("max_length", "pad_id", "empty_prompt_ids"):
        if key not in manifest["tokenizer"]:
            raise ManifestError(f"{path}: missing key 'tokenizer.{key}'")
    samples = manifest["samples"]
    if not isinstance(samples, list) or not samples:
        raise ManifestError(f"{path}: 'samples' is empty: nothing to train on")
    max_length = manifest["tokenizer"]["max_length"]
    for n, sample in enumerate(samples):
        for key in _SAMPLE_KEYS:
            if key not in sample:
                raise ManifestError(f"{path}: samples[{n}] has no '{key}'")
        if np.shape(sample["landmarks"]) != (68, 2):
            raise ManifestError(f"{path}: samples[{n}] ({sample['id']}) needs 68 landmarks [x, y], got shape {np.shape(sample['landmarks'])}")
        if not sample["captions"]:
            raise ManifestError(f"{path}: samples[{n}] ({sample['id']}) has no captions")
        for c, caption in enumerate(sample["captions"]):
            for key in _CAPTION_KEYS:
                if key not in caption:
                    raise ManifestError(f"{path}: samples[{n}].captions[{c}] has no '{key}'")
            if len(caption["ids"]) > max_length:
                raise ManifestError(f"{path}: samples[{n}].captions[{c}] has {len(caption['ids'])} ids, over {max_length}")
            if not 0 <= caption["identity_index"] < len(caption["ids"]):
                raise ManifestError(f"{path}: samples[{n}].captions[{c}].identity_index is outside its ids")
    if not any(s["split"] == "train" for s in samples):
        raise ManifestError(f"{path}: no sample has split 'train'")


def pad(ids, max_length, pad_id):
    return list(ids) + [pad_id] * (max_length - len(ids))


@dataclass
class Split:
    """One split's tensors; row i of every tensor is sample i. Captions are flattened: sample i owns rows
    caption_start[i] .. caption_start[i] + caption_count[i] − 1 of caption_ids / identity_index."""
    ids: list
    people: list
    latents: torch.Tensor          # [N, 2, C, h, w] (original, mirror)
    masks: torch.Tensor            # [N, 2, 1, h, w] face share of each latent pixel
    eye_mouth: torch.Tensor        # [N, 2, 3, 2] left eye, right eye, mouth centres in crop pixels (original, mirror)
    embeddings: torch.Tensor       # [N, D] raw face descriptors
    caption_ids: torch.Tensor      # [K, max_length] int64, padded
    identity_index: torch.Tensor   # [K]
    expression_index: torch.Tensor # [K] the emotion word's token position, −1 where the caption has none
    caption_start: torch.Tensor    # [N]
    caption_count: torch.Tensor    # [N]
    crops: list                    # crop paths, for sample grids

    def __len__(self):
        return len(self.ids)

    def to(self, device):
        """The same split with its tensors on device."""
        moved = {f: (v.to(device) if isinstance(v, torch.Tensor) else v) for f, v in vars(self).items()}
        return Split(**moved)


def known_token_ids(manifest):
    """Every token id the captions use, plus the ids of an empty prompt and padding."""
    known = set(manifest["tokenizer"]["empty_prompt_ids"]) | {manifest["tokenizer"]["pad_id"]}
    for sample in manifest["samples"]:
        for caption in sample["captions"]:
            known.update(caption["ids"])
    return sorted(known)


def load_rgb(path):
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0


def _load_mask(path):
    with Image.open(path) as image:
        return np.asarray(image.convert("L"), dtype=np.float32) / 255.0


def _crop_digest(root, samples):
    digest = hashlib.sha256()
    for sample in samples:
        digest.update(sample["id"].encode())
        digest.update((root / sample["crop"]).read_bytes())
    return digest.hexdigest()


LATENTS_FILE = "latents-taef2.pt"  # in the run folder: the latents of every crop and its mirror, keyed by the crops' bytes


@torch.no_grad()
def encode_latents(encoder, root, samples, cache_path, batch=16, log=print, device="cpu"):
    """TAEF2 latents of every crop and its mirror, [N, 2, C, h, w] on the host; cached in cache_path keyed by the
    crops' bytes; encoded on device."""
    cache_path = Path(cache_path)
    key = _crop_digest(root, samples)
    if cache_path.is_file():
        cached = torch.load(cache_path, weights_only=False)
        if cached.get("key") == key:
            return cached["latents"]
        log(f"latent cache {cache_path} is for other crops: encoding again")
    parts = []
    encoder = encoder.to(device)
    for start in range(0, len(samples), batch):
        chunk = samples[start:start + batch]
        pixels = torch.from_numpy(np.stack([load_rgb(root / s["crop"]) for s in chunk])).permute(0, 3, 1, 2)
        both = torch.cat([pixels, pixels.flip(-1)])
        latents = encoder(both.to(device)).cpu()
        parts.append(torch.stack([latents[:len(chunk)], latents[len(chunk):]], dim=1))
        if (start // batch) % 50 == 0:
            log(f"encoding latents {start + len(chunk)}/{len(samples)}")
    encoder.cpu()
    latents = torch.cat(parts)
    cache_path.parent.mkdir(parents=True, exist_ok=True)
    partial = cache_path.with_suffix(".partial")
    torch.save({"key": key, "latents": latents}, partial)
    partial.replace(cache_path)
    return latents


def build_split(manifest, root, all_latents, split, scale=8):
    """The tensors of one split; all_latents is aligned with manifest['samples']."""
    tokenizer = manifest["tokenizer"]
    rows = [i for i, s in enumerate(manifest["samples"]) if s["split"] == split]
    samples = [manifest["samples"][i] for i in rows]
    masks, eye_mouth = [], []
    for sample in samples:
        mask = torch.from_numpy(_load_mask(root / sample["mask"]))[None, None]
        pooled = torch.nn.functional.avg_pool2d(mask, scale)[0]
        masks.append(torch.stack([pooled, pooled.flip(-1)]))
        landmarks = torch.tensor(sample["landmarks"], dtype=torch.float32)
        mirrored = torch.stack([mask.shape[-1] - landmarks[:, 0], landmarks[:, 1]], dim=1)  # x ↦ W − x, as flip(-1)
        eye_mouth.append(reference_points(torch.stack([landmarks, mirrored])))
    caption_ids, identity_index, expression_index, start, count = [], [], [], [], []
    for sample in samples:
        start.append(len(caption_ids))
        count.append(len(sample["captions"]))
        for caption in sample["captions"]:
            caption_ids.append(pad(caption["ids"], tokenizer["max_length"], tokenizer["pad_id"]))
            identity_index.append(caption["identity_index"])
            expression = caption.get("expression_index")
            expression_index.append(-1 if expression is None else expression)
    return Split(
        ids=[s["id"] for s in samples],
        people=[s["person"] for s in samples],
        latents=all_latents[rows] if rows else all_latents[:0],
        masks=torch.stack(masks) if masks else torch.zeros(0),
        eye_mouth=torch.stack(eye_mouth) if eye_mouth else torch.zeros(0, 2, 3, 2),
        embeddings=torch.tensor([s["embedding"] for s in samples], dtype=torch.float32),
        caption_ids=torch.tensor(caption_ids, dtype=torch.long),
        identity_index=torch.tensor(identity_index, dtype=torch.long),
        expression_index=torch.tensor(expression_index, dtype=torch.long),
        caption_start=torch.tensor(start, dtype=torch.long),
        caption_count=torch.tensor(count, dtype=torch.long),
        crops=[root / s["crop"] for s in samples])


def main(argv=None):
    """`python3 -m training.dataset MANIFEST`: checks a prepared dataset the way the trainer reads it."""
    import sys
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python3 -m training.dataset MANIFEST_OR_FOLDER", file=sys.stderr)
        return 2
    try:
        manifest, root = read_manifest(args[0])
        missing = [s["crop"] for s in manifest["samples"] if not (root / s["crop"]).is_file()]
        missing += [s["mask"] for s in manifest["samples"] if not (root / s["mask"]).is_file()]
        if missing:
            raise ManifestError(f"{len(missing)} crop or mask files are missing, e.g. {missing[0]}")
    except ManifestError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    splits = {}
    for s in manifest["samples"]:
        splits.setdefault(s["split"], set()).add(s["person"])
    counts = ", ".join(f"{name} {sum(1 for s in manifest['samples'] if s['split'] == name)} samples / {len(people)} people"
                       for name, people in sorted(splits.items()))
    print(f"{len(manifest['samples'])} samples ({counts}); {len(known_token_ids(manifest))} distinct token ids")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
