"""Balanced emotion captions: one word of its class per confident sample, the words of a class dealt evenly,
classes drawn up to the factor, rare classes reported and left alone; the trainer draws by those weights."""
import json
import shutil

import pytest
import torch

from training import config as configs, expressions
from training.tests.synthetic import clip_ids
from training.tests.test_train import SMALL, small_config
from training.train import Trainer


def _caption(text, word=None):
    return {"text": text, "expression_word": word}


def _sample(words):
    plain = [_caption("a photo of a woman"), _caption("a portrait photo of a woman")]
    return {"captions": plain + [_caption(f"a photo of a {w} woman", w) for w in words]}


def _balanced(counts, oversample, min_samples):
    samples = [_sample(words) for words, n in counts for _ in range(n)]
    start = torch.tensor([0] + [len(s["captions"]) for s in samples[:-1]]).cumsum(0)
    return samples, expressions.balance(samples, start, seed=3, oversample=oversample, min_samples=min_samples)


def test_each_confident_sample_keeps_its_plain_captions_and_one_word_of_its_class():
    happy, sad, fearful = ("happy", "smiling", "laughing"), ("sad", "crying"), ("fearful",)
    samples, balanced = _balanced([(happy, 30), (sad, 10), (fearful, 3), ((), 5)], oversample=2, min_samples=5)
    flat = [c for s in samples for c in s["captions"]]
    for i, sample in enumerate(samples):
        rows = balanced.caption_rows[i, :balanced.caption_count[i]].tolist()
        words = {flat[r]["expression_word"] for r in rows} - {None}
        assert {flat[r]["text"] for r in rows} >= {"a photo of a woman", "a portrait photo of a woman"}
        assert len(words) == (1 if len(sample["captions"]) > 2 else 0)
    by_words = {tuple(c["words"]): c for c in balanced.classes}
    assert by_words[happy]["samples_per_word"] == {"happy": 10, "smiling": 10, "laughing": 10}
    assert by_words[sad]["samples_per_word"] == {"sad": 5, "crying": 5}
    # happy is the largest class (×1); sad would need ×3 to match it and gets the cap, ×2; fearful is too rare.
    assert [by_words[k]["oversample"] for k in (happy, sad, fearful)] == [1.0, 2.0, 1.0]
    assert by_words[fearful]["too_rare"] and not by_words[sad]["too_rare"]
    assert balanced.weights.tolist() == [1.0] * 30 + [2.0] * 10 + [1.0] * 3 + [1.0] * 5
    assert any("fearful: 3 samples, too rare" in line for line in balanced.report())


def test_the_words_dealt_depend_on_the_seed_only():
    happy = ("happy", "smiling", "laughing")
    counts = [(happy, 12)]
    first, second = _balanced(counts, 4, 1)[1], _balanced(counts, 4, 1)[1]
    assert torch.equal(first.caption_rows, second.caption_rows)


def _dataset_with_a_small_sad_class(source, folder):
    """The synthetic dataset with train samples 5 and 6 captioned "sad" instead of "smiling"."""
    shutil.copytree(source, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    for sample in manifest["samples"][5:7]:
        for caption in sample["captions"]:
            if caption["expression_word"]:
                caption["text"] = caption["text"].replace("smiling", "sad")
                caption["ids"], caption["expression_word"] = clip_ids(caption["text"]), "sad"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_the_trainer_draws_a_small_class_as_often_as_its_factor_says(small_dataset, taef2_dir, tmp_path):
    data = _dataset_with_a_small_sad_class(small_dataset, tmp_path / "data")
    lines = []
    trainer = Trainer(small_config(data, tmp_path / "run", taef2_dir, expression_balance=2.0, expression_min_samples=2),
                      log=lines.append)
    assert any(line.startswith("emotion captions: sad: 2 samples, drawn ×2.00") for line in lines)
    report = json.loads((tmp_path / "run" / expressions.REPORT_FILE).read_text())
    assert {tuple(c["words"]): c["oversample"] for c in report} == {("smiling",): 1.0, ("sad",): 2.0}
    split, sad_word = trainer.train, clip_ids("sad")[1]
    drawn_sad, drawn = 0, 0
    for step in range(300):
        batch = trainer.batch(step)
        faces = batch["faces"][:, 0]
        owner = [next(i for i in range(len(split)) if torch.equal(split.embeddings[i], f)) for f in faces]
        drawn_sad += sum(1 for i in owner if i in (5, 6))
        drawn += len(owner)
        for i, ids in zip(owner, batch["ids"].tolist()):
            assert i in (5, 6) or sad_word not in ids  # a smiling sample never draws the sad word
    # Weights 1 ×5 and 2 ×2: the sad class is 4/9 of the draws (uniform: 2/7).
    assert abs(drawn_sad / drawn - 4 / 9) < 0.04, drawn_sad / drawn


def test_a_balance_factor_below_one_is_refused():
    with pytest.raises(configs.ConfigError, match="expression_balance must be 0"):
        configs.from_dict({"expression_balance": 0.5})


def test_set_overrides_a_config_key_and_refuses_an_unknown_one(small_dataset, tmp_path, capsys):
    from training import train
    assert configs.parse_setting("expression_balance=8") == ("expression_balance", 8)
    assert configs.parse_setting("init_from=/runs/a/step-1.pt") == ("init_from", "/runs/a/step-1.pt")
    code = train.main(["--config", str(SMALL), "--dataset", str(small_dataset),
                       "--run-dir", str(tmp_path / "run"), "--set", "expression_balanse=8"])
    assert code == 2 and "unknown key expression_balanse" in capsys.readouterr().err
    assert not (tmp_path / "run").exists()
