"""DIP, the paper's dynamic identity preservation: L_id = 1 − cos(φ(reference), φ(face of x̂0)), where x̂0 is the
clean latent the U-Net's ε implies, decoded by the frozen TAEF2 decoder, and φ is face-api's recognizer applied to
the face aligned exactly as the runtime aligns a reference photo (FaceAligner: eye centres and mouth centre fitted
onto the dlib-150 template by a similarity, bilinear sampling at pixel centres, black outside the image)."""
import torch
import torch.nn.functional as F
from torch import nn

from .networks import face_recognizer

# AlignmentTemplate.Dlib150 (src/PortraitBooth.Inference/Faces/FaceAligner.cs): left eye, right eye, mouth, in units
# of the recognizer's square. RecognizerParityTests checks this copy against the runtime's alignment.
DLIB_150 = ((0.3210, 0.2924), (0.6790, 0.2924), (0.5, 0.7053))


def reference_points(landmarks):
    """[..., 68, 2] iBUG landmarks → [..., 3, 2]: the left eye centre (smaller x), the right one, the mouth centre."""
    first, second = landmarks[..., 36:42, :].mean(-2), landmarks[..., 42:48, :].mean(-2)
    swap = (first[..., :1] > second[..., :1])
    left, right = torch.where(swap, second, first), torch.where(swap, first, second)
    return torch.stack([left, right, landmarks[..., 48:68, :].mean(-2)], dim=-2)


def similarity_fit(source, target):
    """Least-squares rotation + uniform scale + translation (no reflection) taking source [B,N,2] onto target
    [B,N,2], as (a, b, tx, ty) with p' = [a −b; b a]·p + t — the same fit as SimilarityTransform.Fit."""
    s_mean, t_mean = source.mean(1, keepdim=True), target.mean(1, keepdim=True)
    u, v = source - s_mean, target - t_mean
    norm = u.square().sum((1, 2))
    a = (u * v).sum((1, 2)) / norm
    b = (u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]).sum(1) / norm
    fx, fy = s_mean[:, 0, 0], s_mean[:, 0, 1]
    return a, b, t_mean[:, 0, 0] - (a * fx - b * fy), t_mean[:, 0, 1] - (b * fx + a * fy)


def align(images, points, size=face_recognizer.INPUT_SIZE):
    """images [B,3,H,W] (any range) with each face's reference points [B,3,2] in pixels → [B,3,size,size]."""
    batch, _, height, width = images.shape
    template = torch.tensor(DLIB_150, dtype=images.dtype, device=images.device) * size
    a, b, tx, ty = similarity_fit(points.to(images.dtype), template.expand(batch, 3, 2))
    # The output → source map is the fit's inverse; grid_sample's normalised coordinates (align_corners=False)
    # put pixel i's centre at (2i + 1)/W − 1, i.e. a source position p (centres at i + ½) at 2p/W − 1.
    norm = a * a + b * b
    ia, ib = a / norm, -b / norm
    itx, ity = -(ia * tx - ib * ty), -(ib * tx + ia * ty)
    centres = torch.arange(size, dtype=images.dtype, device=images.device) + 0.5
    oy, ox = torch.meshgrid(centres, centres, indexing="ij")
    sx = ia[:, None, None] * ox - ib[:, None, None] * oy + itx[:, None, None]
    sy = ib[:, None, None] * ox + ia[:, None, None] * oy + ity[:, None, None]
    grid = torch.stack([2 * sx / width - 1, 2 * sy / height - 1], dim=-1)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


class IdentityLoss(nn.Module):
    """1 − cos(φ(reference), φ(aligned face of decode(x̂0))) per row; the decoder and φ are frozen, their inputs
    are not: the gradient reaches the U-Net through x̂0."""

    def __init__(self, recognizer, decoder):
        super().__init__()
        self.recognizer, self.decoder = recognizer, decoder

    def forward(self, predicted_x0, points, reference):
        """predicted_x0 [R,C,h,w]; points [R,S,3,2] each subject's eyes and mouth in pixels; reference [R,S,D]
        → [R], the mean over a row's subjects."""
        pixels = self.decoder(predicted_x0).clamp(0, 1) * 255  # TAEF2 pixels lie in [0, 1]; φ takes 0..255
        rows, subjects = points.shape[:2]
        faces = align(pixels.repeat_interleave(subjects, dim=0), points.flatten(0, 1))
        similarity = F.cosine_similarity(self.recognizer(faces), reference.flatten(0, 1), dim=1)
        return (1 - similarity).view(rows, subjects).mean(dim=1)
