"""Two-person training samples (issue 15): two prepared crops of different people side by side on a 2:1 canvas
(their latents joined along the width: TAEF2's latents are local, 16×32 for 128×256), each with its own identity
token in "a photo of a {C1} and a {C2}", its own face fused there, its own face mask and eye/mouth points. The
runtime draws such a picture with MultiDiffusion regions, one per face (SubjectLayout's two columns)."""
import json

import torch

from .config import REPO, ConfigError

PROMPT = "a photo of a {} and a {}"
VOCAB = REPO / "models" / "clip-tokenizer" / "vocab.json"


class PairCaptions:
    """The pair prompt's token ids for any two identity words, from the pack's CLIP vocabulary (one word, one
    token, as for every word of the caption templates)."""

    def __init__(self, tokenizer, vocab_path=VOCAB):
        vocab = json.loads(vocab_path.read_text(encoding="utf-8"))
        words = PROMPT.split()
        missing = [w for w in words if w != "{}" and w + "</w>" not in vocab]
        if missing:
            raise ConfigError(f"two_person_every: the pair prompt '{PROMPT}' needs words {vocab_path} has no token for: "
                              f"{', '.join(missing)}")
        bos, eos = tokenizer["empty_prompt_ids"][0], tokenizer["empty_prompt_ids"][-1]
        self.template = [bos] + [0 if w == "{}" else vocab[w + "</w>"] for w in words] + [eos]
        self.identity_index = [i for i, w in enumerate(words, start=1) if w == "{}"]
        self.max_length, self.pad_id = tokenizer["max_length"], tokenizer["pad_id"]

    @property
    def word_ids(self):
        """The prompt's own token ids (without the two identity words): the text encoder must know them."""
        return [t for i, t in enumerate(self.template) if i not in self.identity_index]

    def ids(self, first_word_ids, second_word_ids):
        """[B] token ids of the two identity words → [B, max_length] padded prompt ids."""
        rows = torch.tensor(self.template, device=first_word_ids.device).repeat(len(first_word_ids), 1)
        rows[:, self.identity_index[0]], rows[:, self.identity_index[1]] = first_word_ids, second_word_ids
        padding = torch.full((len(rows), self.max_length - rows.shape[1]), self.pad_id, device=rows.device)
        return torch.cat([rows, padding], dim=1)


class TwoPersonBatches:
    """Batches of pairs drawn from one split; people differ within a pair where the split has more than one."""

    def __init__(self, split, tokenizer, crop_size):
        self.split, self.crop_size = split, crop_size
        self.captions = PairCaptions(tokenizer)
        names = {p: i for i, p in enumerate(dict.fromkeys(split.people))}
        self.person = torch.tensor([names[p] for p in split.people], device=split.latents.device)
        first_caption = split.caption_start
        self.word = split.caption_ids[first_caption, split.identity_index[first_caption]]  # each sample's "man"/"woman"

    def batch(self, g, size, config, schedule_steps, empty_ids):
        s, d = self.split, self.split.latents.device
        draw = dict(generator=g, device=d)
        first = torch.randint(len(s), (size,), **draw)
        second = (first + torch.randint(1, max(2, len(s)), (size,), **draw)) % len(s)
        for _ in range(4):  # redraw partners of the same person (a split of one person keeps them)
            same = self.person[first] == self.person[second]
            second = torch.where(same, torch.randint(len(s), (size,), **draw), second)
        index = torch.stack([first, second], dim=1)
        mirror = ((torch.rand(size, 2, **draw) < 0.5).long() if config.mirror
                  else torch.zeros(size, 2, dtype=torch.long, device=d))
        mode = torch.rand(size, **draw)
        unconditional = mode < config.unconditional_fraction
        fuse = mode >= config.unconditional_fraction + config.text_only_fraction
        face_loss = torch.rand(size, **draw) < config.face_loss_fraction
        t = torch.randint(schedule_steps, (size,), **draw)
        latents = s.latents[index, mirror]                        # [B, 2, C, h, w]
        noise = torch.randn((size, latents.shape[2], latents.shape[3], 2 * latents.shape[4]), **draw)
        masks = s.masks[index, mirror]                            # [B, 2, 1, h, w]
        zeros = torch.zeros_like(masks[:, 0])
        subject_masks = torch.stack([torch.cat([masks[:, 0], zeros], -1), torch.cat([zeros, masks[:, 1]], -1)], dim=1)
        eye_mouth = s.eye_mouth[index, mirror].clone()            # [B, 2, 3, 2]; the second face sits one crop right
        eye_mouth[:, 1, :, 0] += self.crop_size
        ids = torch.where(unconditional[:, None], empty_ids, self.captions.ids(self.word[first], self.word[second]))
        identity_index = torch.tensor(self.captions.identity_index, device=d).repeat(size, 1)
        return dict(x0=torch.cat([latents[:, 0], latents[:, 1]], dim=-1), mask=subject_masks.sum(1), subject_masks=subject_masks,
                    eye_mouth=eye_mouth, ids=ids, identity_index=identity_index, faces=s.embeddings[index], fuse=fuse,
                    expression_index=torch.full((size,), -1, device=d), conditional=~unconditional,
                    face_loss=face_loss, t=t, noise=noise)
