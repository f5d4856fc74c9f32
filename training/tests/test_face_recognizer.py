"""The trainer's face recognizer (DIP's φ): weights load by face-api's names, and gradients reach the image.
Its parity with the converted ONNX recognizer in ONNX Runtime is the C# test RecognizerParityTests."""
import pytest
import torch

from training.networks import face_recognizer
from training.tests.synthetic import random_recognizer, write_recognizer_weights as write_weights


def test_every_weight_loads_by_its_face_api_name_and_the_descriptor_follows_the_image(tmp_path):
    source = random_recognizer(1)
    write_weights(tmp_path / "recognizer.onnx", source)
    loaded = face_recognizer.load(tmp_path / "recognizer.onnx")
    assert all(torch.equal(loaded.state_dict()[k], v) for k, v in source.state_dict().items())
    assert not any(p.requires_grad for p in loaded.parameters())

    image = (torch.rand(2, 3, 150, 150) * 255).requires_grad_()
    descriptor = loaded(image)
    assert descriptor.shape == (2, face_recognizer.DESCRIPTOR_WIDTH)
    (1 - torch.cosine_similarity(descriptor[0:1], descriptor[1:2])).sum().backward()
    assert image.grad is not None and image.grad.abs().sum() > 0  # the identity loss can move the pixels


def test_a_file_missing_a_weight_is_refused_with_its_name(tmp_path):
    write_weights(tmp_path / "partial.onnx", random_recognizer(2), leave_out={"conv128_1/conv2/scale/biases"})
    with pytest.raises(ValueError, match="conv128_1/conv2/scale/biases"):
        face_recognizer.load(tmp_path / "partial.onnx")


def test_a_missing_file_names_the_conversion_command(tmp_path):
    with pytest.raises(FileNotFoundError, match="convert-face-api"):
        face_recognizer.load(tmp_path / "absent.onnx")
