"""ECAC, the paper's emotion-aware cross-attention control (training only): the identity token's and the emotion
token's cross-attention maps are pushed inside the face mask M and kept out of the rest,

    L_loc = (1/N) Σ_ℓ λ (mean(A_i (1−M)) + mean(relu(β − A_i) M)) + (1/N) Σ_ℓ μ (mean(A_j (1−M)) + mean(relu(γ − A_j) M))

over the N cross-attention layers ℓ of the U-Net, with A_i, A_j the head-averaged attention of every latent pixel
to the identity token i and the emotion token j, and M the face's share of each pixel at that layer's side
(../shared/docs/architecture.md: β = 0.8, γ = 0.1, λ = 0.001, μ = 0.01)."""
import torch
import torch.nn.functional as F

BETA, GAMMA, LAMBDA, MU = 0.8, 0.1, 0.001, 0.01


class CrossAttentionMaps:
    """`with CrossAttentionMaps(unet) as maps:` — the forward passes inside keep every cross-attention layer's
    softmax weights [B, heads, pixels, tokens], in the U-Net's order; afterwards the layers keep nothing."""

    def __init__(self, unet):
        self.layers = [m.cross_attn for m in unet.modules() if hasattr(m, "cross_attn")]

    def __enter__(self):
        for layer in self.layers:
            layer.keep_weights, layer.weights = True, None
        return self

    def __exit__(self, *_):
        for layer in self.layers:
            layer.keep_weights, layer.weights = False, None

    def maps(self):
        return [layer.weights for layer in self.layers if layer.weights is not None]


def _token_map(weights, token):
    """[B, heads, pixels, tokens] → [B, pixels]: the head-averaged attention to each row's token."""
    per_pixel = weights.float().mean(dim=1)
    return per_pixel.gather(2, token.clamp(min=0).view(-1, 1, 1).expand(-1, per_pixel.shape[1], 1))[..., 0]


def _layer_mask(mask, pixels):
    """mask [B,1,H,W] pooled to a layer of `pixels` latent pixels (the U-Net halves both sides per level)."""
    height, width = mask.shape[-2:]
    factor = round((height * width / pixels) ** 0.5)
    if (height // factor) * (width // factor) != pixels:
        raise ValueError(f"a {pixels}-pixel attention map does not fit a {height}×{width} mask")
    return F.adaptive_avg_pool2d(mask.float(), (height // factor, width // factor)).flatten(1)


def _term(attention, mask, floor):
    """mean(A (1−M)) + mean(relu(floor − A) M), per row."""
    return (attention * (1 - mask)).mean(dim=1) + (F.relu(floor - attention) * mask).mean(dim=1)


def localization_loss(maps, subject_masks, identity_index, expression_index, rows):
    """Per-row L_loc [B]. maps: the recorded layers; subject_masks [B,S,1,h,w] each subject's face share of each
    latent pixel; identity_index [B,S] each subject's token; expression_index [B] the emotion word's token (−1: none,
    no μ term), which belongs to the first subject; rows [B] bool: the rows it applies to (0 elsewhere). With
    several subjects, each identity token pays its own λ term against its own mask."""
    if not maps:
        raise ValueError("no cross-attention maps were recorded: the U-Net has no cross-attention layer")
    has_expression = (expression_index >= 0).float()
    total = torch.zeros(len(subject_masks), device=subject_masks.device)
    for weights in maps:
        for subject in range(subject_masks.shape[1]):
            layer_mask = _layer_mask(subject_masks[:, subject], weights.shape[2])
            total = total + LAMBDA * _term(_token_map(weights, identity_index[:, subject]), layer_mask, BETA)
        first_mask = _layer_mask(subject_masks[:, 0], weights.shape[2])
        total = total + MU * has_expression * _term(_token_map(weights, expression_index), first_mask, GAMMA)
    return total / len(maps) * rows.float()
