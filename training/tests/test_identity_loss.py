"""DIP: the alignment puts a face's eyes and mouth on the recognizer's template, mirrored samples keep their eyes
apart, and the trainer adds L_id only on fused rows at small t, with a gradient that reaches the U-Net."""
import dataclasses

import pytest
import torch

from training import config as configs, identity_loss
from training.tests.synthetic import random_recognizer, write_recognizer_weights
from training.tests.test_train import small_config
from training.train import Trainer


def blob_centres(image):
    """The centre of mass of each of the three colour channels (one blob per channel)."""
    _, height, width = image.shape
    ys, xs = torch.meshgrid(torch.arange(height) + 0.5, torch.arange(width) + 0.5, indexing="ij")
    weights = image / image.sum(dim=(1, 2), keepdim=True)
    return torch.stack([(weights * xs).sum(dim=(1, 2)), (weights * ys).sum(dim=(1, 2))], dim=1)


def test_align_moves_the_eyes_and_mouth_onto_the_dlib_150_template():
    # A face tilted by 12°, at 0.4 of the template's scale, shifted: left eye, right eye and mouth as three
    # one-channel blobs in a 128² image. Its triangle is the template's, so the alignment must land it exactly.
    template = torch.tensor(identity_loss.DLIB_150) * 150
    angle, scale, shift = torch.tensor(0.21), 0.4, torch.tensor([30.0, 25.0])
    rotation = torch.stack([torch.stack([angle.cos(), -angle.sin()]), torch.stack([angle.sin(), angle.cos()])])
    points = scale * template @ rotation.T + shift
    image = torch.zeros(3, 128, 128)
    ys, xs = torch.meshgrid(torch.arange(128) + 0.5, torch.arange(128) + 0.5, indexing="ij")
    for channel, (x, y) in enumerate(points):
        image[channel] = torch.exp(-((xs - x) ** 2 + (ys - y) ** 2) / 4)
    aligned = identity_loss.align(image[None], points[None])[0]
    assert aligned.shape == (3, 150, 150)
    assert torch.allclose(blob_centres(aligned), template, atol=0.3)


def test_reference_points_order_the_eyes_by_x_and_average_the_mouth():
    landmarks = torch.zeros(68, 2)
    landmarks[36:42] = torch.tensor([90.0, 40.0])  # the first eye group lies on the right
    landmarks[42:48] = torch.tensor([30.0, 42.0])
    landmarks[48:68, 0], landmarks[48:68, 1] = torch.linspace(50, 70, 20), 80.0
    left, right, mouth = identity_loss.reference_points(landmarks)
    assert left.tolist() == [30.0, 42.0] and right.tolist() == [90.0, 40.0]
    assert mouth.tolist() == pytest.approx([60.0, 80.0])


def test_mirrored_samples_have_their_eyes_mirrored(small_dataset, taef2_dir, tmp_path):
    trainer = Trainer(small_config(small_dataset, tmp_path / "run", taef2_dir), log=lambda _: None)
    original, mirror = trainer.train.eye_mouth[0]
    size = trainer.manifest["crop"]["size"]
    assert torch.allclose(mirror[0], torch.stack([size - original[1, 0], original[1, 1]]))
    assert torch.allclose(mirror[2], torch.stack([size - original[2, 0], original[2, 1]]))
    assert (mirror[1, 0] > mirror[0, 0]).item()


def test_the_identity_term_covers_fused_rows_at_small_t_and_trains_the_unet(small_dataset, taef2_dir, tmp_path):
    recognizer = write_recognizer_weights(tmp_path / "recognizer.onnx", random_recognizer(3))
    config = small_config(small_dataset, tmp_path / "run", taef2_dir, identity_loss_weight=0.5,
                          identity_loss_max_timestep=500, face_recognizer=str(recognizer))
    trainer = Trainer(config, log=lambda _: None)
    batch = trainer.batch(7)
    batch["t"] = torch.arange(len(batch["t"])) * (1000 // len(batch["t"]))
    noisy = trainer.schedule.add_noise(batch["x0"], batch["noise"], batch["t"])
    context = trainer.model.condition(batch["ids"], batch["identity_index"], batch["faces"], batch["fuse"])
    predicted = trainer.model.unet(noisy, batch["t"].float(), context)
    term = trainer._identity_term(batch, noisy, predicted)

    eligible = (batch["t"] <= 500) & batch["fuse"]
    assert eligible.any() and (~eligible).any()
    assert torch.all(term[~eligible] == 0)
    assert torch.all((term[eligible] > 0) & (term[eligible] <= 2))
    term.sum().backward()
    assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in trainer.model.unet.parameters())
    assert all(p.grad is None for p in trainer.identity_loss.parameters())


def test_the_identity_loss_is_off_unless_weighted_and_refuses_a_bad_timestep(small_dataset, taef2_dir, tmp_path):
    assert Trainer(small_config(small_dataset, tmp_path / "run", taef2_dir), log=lambda _: None).identity_loss is None
    with pytest.raises(configs.ConfigError, match="identity_loss_max_timestep"):
        configs.from_dict({**dataclasses.asdict(configs.TrainConfig()), "identity_loss_max_timestep": 1000})


def test_a_face_recognizer_file_that_is_not_the_recognizer_is_a_config_error(small_dataset, taef2_dir, tmp_path):
    wrong = write_recognizer_weights(tmp_path / "partial.onnx", random_recognizer(6), leave_out={"fc"})
    with pytest.raises(configs.ConfigError, match="face_recognizer: .*'fc'"):
        Trainer(small_config(small_dataset, tmp_path / "run", taef2_dir, identity_loss_weight=0.1,
                             face_recognizer=str(wrong)), log=lambda _: None)
