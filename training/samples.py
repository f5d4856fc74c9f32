"""A small sample grid with each checkpoint: reference crops, then the same validation people generated with
their face fused, then text-only, all from the EMA weights with the runtime's Euler sampler and guidance."""
import numpy as np
import torch
from PIL import Image

from .schedule import euler_sample


@torch.no_grad()
def generate(model, decoder, schedule, ids, identity_index, faces, fuse, empty_ids, steps, guidance, size, seed):
    """Images [B,3,H,W] in [0,1] for prompts ids [B,77], fused where fuse is true."""
    b = ids.shape[0]
    cond = model.condition(ids, identity_index, faces, fuse)
    uncond = model.text_encoder(empty_ids.expand(b, -1))
    context = torch.cat([uncond, cond])
    latent_side = size // 8
    generator = torch.Generator().manual_seed(seed)

    def predict(x, t):
        eps = model.unet(torch.cat([x, x]), torch.full((2 * b,), t), context)
        eps_u, eps_c = eps.chunk(2)
        return eps_u + guidance * (eps_c - eps_u)

    latents = euler_sample(predict, schedule, (b, model.unet.conv_out.out_channels, latent_side, latent_side), steps, generator)
    return decoder(latents).clamp(0, 1)


def save_grid(rows, path):
    """rows: list of [B,3,H,W] tensors in [0,1] -> one PNG, a row each."""
    strips = [np.concatenate(list((r.permute(0, 2, 3, 1).numpy() * 255).round().astype(np.uint8)), axis=1) for r in rows]
    Image.fromarray(np.concatenate(strips, axis=0)).save(path)
