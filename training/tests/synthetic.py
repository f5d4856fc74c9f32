"""A small dataset in the prepared-dataset format (docs/dataset.md): drawn faces-like blobs, real CLIP ids."""
import json
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parents[2]
BOS, EOS = 49406, 49407


def clip_ids(text):
    vocab = json.loads((REPO / "models" / "clip-tokenizer" / "vocab.json").read_text(encoding="utf-8"))
    return [BOS] + [vocab[word + "</w>"] for word in text.split()] + [EOS]


def _face(size, rng):
    background = tuple(int(v) for v in rng.integers(0, 256, 3))
    skin = tuple(int(v) for v in rng.integers(120, 256, 3))
    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    box = [size * 0.25, size * 0.15, size * 0.75, size * 0.85]
    draw.ellipse(box, fill=skin)
    for x in (0.4, 0.6):
        draw.ellipse([size * (x - 0.04), size * 0.4, size * (x + 0.04), size * 0.46], fill=(20, 20, 20))
    draw.rectangle([size * 0.42, size * 0.65, size * 0.58, size * 0.68], fill=(150, 30, 30))
    mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(mask).ellipse(box, fill=255)
    return image, mask


def _landmarks(size):
    """68 iBUG points with the eyes (36–41, 42–47) and mouth (48–67) where _face draws them; the rest on the oval."""
    points = [[size * (0.5 + 0.25 * np.cos(a)), size * (0.5 + 0.35 * np.sin(a))] for a in np.linspace(0, np.pi, 36)]
    for x in (0.4, 0.6):
        points += [[size * (x + 0.04 * np.cos(a)), size * (0.43 + 0.03 * np.sin(a))] for a in np.linspace(0, 2 * np.pi, 6, endpoint=False)]
    points += [[size * (0.42 + 0.16 * i / 19), size * 0.665] for i in range(20)]
    return np.round(points, 3).tolist()


def write_dataset(folder, count=8, size=64, seed=0):
    folder = Path(folder)
    (folder / "crops").mkdir(parents=True)
    (folder / "masks").mkdir()
    rng = np.random.default_rng(seed)
    samples = []
    for n in range(count):
        image, mask = _face(size, rng)
        sample_id = f"{n:06d}"
        image.save(folder / "crops" / f"{sample_id}.png")
        mask.save(folder / "masks" / f"{sample_id}.png")
        word = "man" if n % 2 else "woman"
        captions = []
        for text in (f"a photo of a {word}", f"a portrait photo of a {word}", f"a photo of a smiling {word}"):
            ids = clip_ids(text)
            captions.append({"text": text, "ids": ids, "identity_index": len(ids) - 2,
                             "expression_word": "smiling" if "smiling" in text else None,
                             "expression_index": len(ids) - 3 if "smiling" in text else None})
        samples.append({
            "id": sample_id, "photo": f"{sample_id}.jpg", "person": str(n // 2),
            "split": "validation" if n == count - 1 else "train",
            "crop": f"crops/{sample_id}.png", "mask": f"masks/{sample_id}.png",
            "embedding": rng.normal(size=128).round(6).tolist(), "landmarks": _landmarks(size), "gender": word, "captions": captions})
    manifest = {
        "format": "portraitbooth-dataset/1", "name": "synthetic",
        "source": {"path": str(folder), "description": "synthetic test data", "licence": "test only"},
        "crop": {"size": size, "template": "portrait-128"},
        "identity_words": ["man", "woman"],
        "tokenizer": {"max_length": 77, "bos_id": BOS, "eos_id": EOS, "pad_id": EOS, "empty_prompt_ids": [BOS, EOS]},
        "samples": samples, "dropped": []}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def random_recognizer(seed):
    """face-api's recognizer architecture with random weights (the real weights are the C# converter's output)."""
    import torch
    from training.networks import face_recognizer
    torch.manual_seed(seed)
    model = face_recognizer.FaceRecognizer()
    for parameter in model.parameters():
        torch.nn.init.normal_(parameter, std=0.05)
    return model


def write_recognizer_weights(path, model, leave_out=()):
    """An ONNX file holding `model`'s weights as initializers under face-api's names (its graph only passes through)."""
    from onnx import TensorProto, helper, numpy_helper, save
    state = model.state_dict()
    initializers = [numpy_helper.from_array(state[name].numpy(), onnx_name)
                    for name, onnx_name in model.onnx_names().items() if onnx_name not in leave_out]
    graph = helper.make_graph([helper.make_node("Identity", ["image"], ["descriptor"])], "recognizer",
                              [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1])],
                              [helper.make_tensor_value_info("descriptor", TensorProto.FLOAT, [1])], initializers)
    save(helper.make_model(graph), str(path))
    return path
