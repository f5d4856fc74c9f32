"""ECAC: L_loc has the paper's form and constants, the recorder sees every cross-attention layer without changing
the U-Net's output, and in the trainer the loss covers captioned rows and trains the cross-attention."""
import pytest
import torch

from training import localization_loss as ecac
from training.tests.synthetic import clip_ids
from training.tests.test_train import small_config
from training.train import Trainer


def one_layer(identity_map, expression_map, tokens=6, identity=2, expression=4):
    """A [1, 2 heads, 4 pixels, tokens] map whose heads average to the given per-pixel maps at the two tokens."""
    weights = torch.zeros(1, 2, 4, tokens)
    weights[0, :, :, identity] = torch.tensor(identity_map)
    weights[0, :, :, expression] = torch.tensor(expression_map)
    return weights


def test_the_loss_is_the_papers_formula_with_its_constants():
    mask = torch.tensor([[[[[1.0, 1.0], [0.0, 0.0]]]]])  # one subject whose face fills the top row of a 2×2 layer
    identity, expression = torch.tensor([[2]]), torch.tensor([4])
    # Inside the face, attention at or above β (identity) and γ (emotion); none outside: nothing to pay.
    perfect = one_layer([0.9, 0.8, 0.0, 0.0], [0.1, 0.3, 0.0, 0.0])
    assert ecac.localization_loss([perfect], mask, identity, expression, torch.tensor([True])).item() == pytest.approx(0, abs=1e-9)
    # Identity attention 0.5 everywhere: outside 0.5·2/4, inside relu(0.8−0.5)·2/4; emotion 0 everywhere: inside 0.1·2/4.
    spread = one_layer([0.5] * 4, [0.0] * 4)
    expected = 0.001 * (0.25 + 0.15) + 0.01 * 0.05
    assert ecac.localization_loss([spread], mask, identity, expression, torch.tensor([True])).item() == pytest.approx(expected)
    # Averaged over layers; no emotion word (−1): no μ term; a row it does not apply to: 0.
    assert ecac.localization_loss([spread, perfect], mask, identity, expression, torch.tensor([True])).item() == pytest.approx(expected / 2)
    assert ecac.localization_loss([spread], mask, identity, torch.tensor([-1]), torch.tensor([True])).item() == pytest.approx(0.001 * 0.4)
    assert ecac.localization_loss([spread], mask, identity, expression, torch.tensor([False])).item() == 0


def test_the_recorder_keeps_each_cross_attention_layer_and_changes_nothing(small_dataset, taef2_dir, tmp_path):
    trainer = Trainer(small_config(small_dataset, tmp_path / "run", taef2_dir), log=lambda _: None)
    unet, batch = trainer.model.unet, trainer.batch(3)
    context = trainer.model.condition(batch["ids"], batch["identity_index"], batch["faces"], batch["fuse"])
    with torch.no_grad():
        plain = unet(batch["x0"], batch["t"].float(), context)
        with ecac.CrossAttentionMaps(unet) as recorded:
            kept = unet(batch["x0"], batch["t"].float(), context)
            maps = recorded.maps()
    layers = sum(1 for m in unet.modules() if type(m).__name__ == "SpatialTransformer")
    assert layers > 0 and len(maps) == layers
    assert all(m.shape[0] == len(batch["t"]) and m.shape[-1] == batch["ids"].shape[1] for m in maps)
    assert all(torch.allclose(m.sum(-1), torch.ones(())) for m in maps)  # softmax rows over the 77 tokens
    assert torch.equal(plain, kept)
    assert all(layer.weights is None and not layer.keep_weights for layer in recorded.layers)


def test_in_the_trainer_it_covers_captioned_rows_and_trains_the_cross_attention(small_dataset, taef2_dir, tmp_path):
    trainer = Trainer(small_config(small_dataset, tmp_path / "run", taef2_dir, localization_loss_weight=1.0,
                                   unconditional_fraction=0.3), log=lambda _: None)
    batch = trainer.batch(11)
    assert (~batch["conditional"]).any() and batch["conditional"].any()
    assert torch.all(batch["expression_index"][~batch["conditional"]] == -1)
    smiling = batch["expression_index"] >= 0
    assert smiling.any()  # the synthetic captions include "a photo of a smiling man"
    smiling_id = clip_ids("smiling")[1]
    assert torch.all(batch["ids"][smiling].gather(1, batch["expression_index"][smiling, None]) == smiling_id)
    assert batch["identity_index"].shape == (len(batch["t"]), 1) and batch["subject_masks"].shape[1] == 1
    with ecac.CrossAttentionMaps(trainer.model.unet) as recorded:
        context = trainer.model.condition(batch["ids"], batch["identity_index"], batch["faces"], batch["fuse"])
        trainer.model.unet(batch["x0"], batch["t"].float(), context)
        per_row = ecac.localization_loss(recorded.maps(), batch["subject_masks"], batch["identity_index"],
                                         batch["expression_index"], batch["conditional"])
    assert torch.all(per_row[~batch["conditional"]] == 0) and torch.all(per_row[batch["conditional"]] > 0)
    per_row.sum().backward()
    cross = [m.cross_attn for m in trainer.model.unet.modules() if hasattr(m, "cross_attn")]
    assert all(layer.k.weight.grad is not None and layer.k.weight.grad.abs().sum() > 0 for layer in cross)
    assert trainer.loss(trainer.batch(11)).item() > 0


def test_with_two_subjects_each_identity_token_pays_against_its_own_mask():
    # A 1×2 layer: subject 0's face on the left pixel, subject 1's on the right; tokens 2 and 3 their identity words.
    masks = torch.tensor([[[[[1.0, 0.0]]], [[[0.0, 1.0]]]]])
    weights = torch.zeros(1, 1, 2, 6)
    weights[0, 0, :, 2] = torch.tensor([1.0, 0.0])   # token 2 attends to subject 0's pixel: nothing to pay
    weights[0, 0, :, 3] = torch.tensor([1.0, 0.0])   # token 3 attends to the wrong pixel: 1·½ outside, 0.8·½ inside
    loss = ecac.localization_loss([weights], masks, torch.tensor([[2, 3]]), torch.tensor([-1]), torch.tensor([True]))
    assert loss.item() == pytest.approx(0.001 * (0.5 + 0.4))
