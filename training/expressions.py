"""Balanced emotion captions (issue 15, expression_balance). The prepared dataset captions a confident sample with
every word of its expression class (a happy face: "happy", "smiling" and "laughing"), and CelebA is mostly happy
and neutral, so uniform draws teach the common words and barely show the rare ones. Balanced, each confident
sample keeps its plain captions plus the captions of ONE word of its class, dealt in turn so that a class's words
get equal shares, and a class's samples are drawn up to `oversample` times as often, as far as the largest class.
A class with fewer than `min_samples` photos keeps its own rate and is reported as too rare: oversampling five
photos a hundredfold would fake the class, not learn it.

A class is named by its words, in caption order; the dataset step decides which words share a class."""
import random
from dataclasses import dataclass

import torch

REPORT_FILE = "emotion-captions.json"  # in the run folder: the classes, their draw factors and samples per word


@dataclass
class ExpressionBalance:
    weights: torch.Tensor        # [N] relative draw weight of each sample
    caption_rows: torch.Tensor   # [N, M] the caption rows (of the split's flattened captions) a sample may draw
    caption_count: torch.Tensor  # [N] how many of its M rows are real (the rest repeat the first)
    classes: list                # one dict per class: words, samples, oversample, too_rare, samples_per_word

    def to(self, device):
        return ExpressionBalance(self.weights.to(device), self.caption_rows.to(device), self.caption_count.to(device),
                                 self.classes)

    def report(self):
        """One line per class, with the samples each word captions."""
        lines = []
        for c in self.classes:
            words = ", ".join(f"{w} {n:,}" for w, n in c["samples_per_word"].items())
            rate = "too rare to balance, drawn at its own rate" if c["too_rare"] else f"drawn ×{c['oversample']:.2f}"
            lines.append(f"{'/'.join(c['words'])}: {c['samples']:,} samples, {rate} ({words})")
        return lines


def balance(samples, caption_start, seed, oversample, min_samples):
    """samples: the split's manifest samples, in split order; caption_start: their first rows in the split's
    flattened captions."""
    by_class = {}
    for i, sample in enumerate(samples):
        words = tuple(dict.fromkeys(c["expression_word"] for c in sample["captions"] if c.get("expression_word")))
        if words:
            by_class.setdefault(words, []).append(i)
    largest = max((len(members) for members in by_class.values() if len(members) >= min_samples), default=1)
    weights = torch.ones(len(samples))
    chosen_word, classes = {}, []
    for words, members in by_class.items():
        dealt = members[:]
        random.Random(f"{seed}:{'/'.join(words)}").shuffle(dealt)
        for k, i in enumerate(dealt):
            chosen_word[i] = words[k % len(words)]
        too_rare = len(members) < min_samples
        factor = 1.0 if too_rare else min(float(oversample), largest / len(members))
        weights[members] = factor
        classes.append({"words": list(words), "samples": len(members), "oversample": factor, "too_rare": too_rare,
                        "samples_per_word": {w: sum(1 for i in members if chosen_word[i] == w) for w in words}})
    rows = []
    for i, sample in enumerate(samples):
        keep = [j for j, c in enumerate(sample["captions"]) if c.get("expression_word") in (None, chosen_word.get(i))]
        rows.append([int(caption_start[i]) + j for j in keep])
    width = max((len(r) for r in rows), default=1)
    return ExpressionBalance(weights=weights,
                             caption_rows=torch.tensor([r + [r[0]] * (width - len(r)) for r in rows], dtype=torch.long),
                             caption_count=torch.tensor([len(r) for r in rows], dtype=torch.long),
                             classes=sorted(classes, key=lambda c: -c["samples"]))
