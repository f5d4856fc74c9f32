"""Two-person batches: two different people side by side, each with its own identity token, face, mask and eyes;
the conditioning fuses each face at its own token; a run that mixes in two-person steps trains with DIP and ECAC."""
import json

import pytest
import torch

from training import checkpoints, config as configs, pairs
from training.tests.synthetic import clip_ids, random_recognizer, write_recognizer_weights
from training.tests.test_train import max_weight_difference, small_config
from training.train import Trainer


def test_a_two_person_batch_joins_two_people_with_a_token_a_face_and_a_mask_each(small_dataset, taef2_dir, tmp_path):
    trainer = Trainer(small_config(small_dataset, tmp_path / "run", taef2_dir, two_person_every=2,
                                   unconditional_fraction=0.0, mirror=False), log=lambda _: None)
    single, batch = trainer.batch(0), trainer.batch(1)
    split, rows = trainer.train, trainer.config.batch_size // 2
    h, w = split.latents.shape[-2:]
    assert single["x0"].shape[-1] == w and batch["x0"].shape == (rows, split.latents.shape[2], h, 2 * w)
    assert batch["noise"].shape == batch["x0"].shape and batch["subject_masks"].shape == (rows, 2, 1, h, 2 * w)
    words = {clip_ids("man")[1]: "man", clip_ids("woman")[1]: "woman"}
    for r in range(rows):
        # Each half is one sample's latent; find which, and check everything else follows that sample.
        first = next(i for i in range(len(split)) if torch.equal(split.latents[i, 0], batch["x0"][r, :, :, :w]))
        second = next(i for i in range(len(split)) if torch.equal(split.latents[i, 0], batch["x0"][r, :, :, w:]))
        assert split.people[first] != split.people[second]
        assert torch.equal(batch["faces"][r], split.embeddings[[first, second]])
        ids = batch["ids"][r].tolist()
        tokens = ids[:ids.index(clip_ids("")[-1]) + 1]
        gender = [split.caption_ids[split.caption_start[i]][split.identity_index[split.caption_start[i]]].item() for i in (first, second)]
        assert tokens == clip_ids(pairs.PROMPT.format(words[gender[0]], words[gender[1]]))
        assert [tokens[i] for i in batch["identity_index"][r].tolist()] == gender
        assert torch.equal(batch["subject_masks"][r, 0, :, :, :w], split.masks[first, 0])
        assert batch["subject_masks"][r, 0, :, :, w:].sum() == 0 and batch["subject_masks"][r, 1, :, :, :w].sum() == 0
        crop = trainer.manifest["crop"]["size"]
        assert torch.allclose(batch["eye_mouth"][r, 1], split.eye_mouth[second, 0] + torch.tensor([crop, 0.0]))


def test_the_conditioning_fuses_each_face_at_its_own_identity_token(small_dataset, taef2_dir, tmp_path):
    trainer = Trainer(small_config(small_dataset, tmp_path / "run", taef2_dir), log=lambda _: None)
    model = trainer.model.eval()
    ids = torch.tensor([clip_ids(pairs.PROMPT.format("man", "woman")) + [clip_ids("")[-1]] * (77 - 10)])
    faces = torch.randn(1, 2, 128)
    with torch.no_grad():
        fused = model.condition(ids, torch.tensor([[5, 8]]), faces, torch.tensor([True]))
        plain = model.condition(ids, torch.tensor([[5, 8]]), faces, torch.tensor([False]))
        expected = [model.stea(plain[:, k], faces[:, s]) for s, k in enumerate((5, 8))]
    assert torch.allclose(fused[:, 5], expected[0], atol=1e-6) and torch.allclose(fused[:, 8], expected[1], atol=1e-6)
    others = [k for k in range(77) if k not in (5, 8)]
    assert torch.equal(fused[:, others], plain[:, others])


def test_a_run_with_two_person_steps_trains_with_both_losses(small_dataset, taef2_dir, tmp_path):
    recognizer = write_recognizer_weights(tmp_path / "recognizer.onnx", random_recognizer(4))
    config = small_config(small_dataset, tmp_path / "run", taef2_dir, two_person_every=2, identity_loss_weight=0.5,
                          identity_loss_max_timestep=999, localization_loss_weight=1.0, face_recognizer=str(recognizer))
    trainer = Trainer(config, log=lambda _: None)
    assert trainer.run(4) == 4
    batch = trainer.batch(3)
    noisy = trainer.schedule.add_noise(batch["x0"], batch["noise"], batch["t"])
    with torch.no_grad():
        context = trainer.model.condition(batch["ids"], batch["identity_index"], batch["faces"], batch["fuse"])
        term = trainer._identity_term(batch, noisy, trainer.model.unet(noisy, batch["t"].float(), context))
    assert torch.all((term[batch["fuse"]] > 0) & (term[batch["fuse"]] <= 2)) and torch.all(term[~batch["fuse"]] == 0)
    assert torch.isfinite(torch.tensor(trainer.loss(batch).item()))


def test_a_pair_prompt_word_missing_from_the_vocabulary_is_refused_before_training(tmp_path):
    vocab = json.loads(pairs.VOCAB.read_text(encoding="utf-8"))
    del vocab["and</w>"]
    (tmp_path / "vocab.json").write_text(json.dumps(vocab))
    tokenizer = {"empty_prompt_ids": [49406, 49407], "max_length": 77, "pad_id": 49407}
    with pytest.raises(configs.ConfigError, match="no token for: and$"):
        pairs.PairCaptions(tokenizer, tmp_path / "vocab.json")


def test_a_resumed_run_with_every_loss_on_equals_the_uninterrupted_run(small_dataset, taef2_dir, tmp_path):
    recognizer = write_recognizer_weights(tmp_path / "recognizer.onnx", random_recognizer(5))

    def config(name):
        return small_config(small_dataset, tmp_path / name, taef2_dir, checkpoint_every=6, two_person_every=3,
                            identity_loss_weight=0.5, identity_loss_max_timestep=999, localization_loss_weight=1.0,
                            face_recognizer=str(recognizer))
    whole = Trainer(config("whole"), log=lambda _: None)
    whole.run(12)
    Trainer(config("split"), log=lambda _: None).run(6)
    resumed = Trainer(config("split"), log=lambda _: None)
    assert resumed.step == 6
    resumed.run(12)
    assert max_weight_difference(whole.model.state_dict(), resumed.model.state_dict()) <= 1e-5


def test_a_warm_start_with_two_person_steps_learns_and_as_a_token_of_its_own(small_dataset, taef2_dir, tmp_path):
    single = Trainer(small_config(small_dataset, tmp_path / "single", taef2_dir), log=lambda _: None)
    single.run(2)
    lines = []
    paired = Trainer(small_config(small_dataset, tmp_path / "paired", taef2_dir, two_person_every=2,
                                  init_from=str(checkpoints.latest(tmp_path / "single"))), log=lines.append)
    word = clip_ids("and")[1]
    assert word not in single.model.text_encoder.known_ids and word in paired.model.text_encoder.known_ids
    assert any("1 token id(s) new to the checkpoint" in line for line in lines)
    # Until it trains, the pair prompt encodes exactly as the checkpoint encoded it ("and" was its unknown row).
    ids = torch.tensor([clip_ids(pairs.PROMPT.format("man", "woman")) + [clip_ids("")[-1]] * 67])
    with torch.no_grad():
        assert torch.allclose(single.ema.text_encoder(ids), paired.model.text_encoder(ids), atol=1e-6)
    paired.run(2)
    rows = paired.model.text_encoder.vocabulary[torch.tensor([word, 0])]
    assert rows[0] != rows[1] and not torch.equal(paired.model.text_encoder.token.weight[rows[0]], paired.model.text_encoder.token.weight[0])
