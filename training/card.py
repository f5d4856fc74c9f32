"""The pack's model card: short fields for pack.json (shown by /v1/packs, `pack verify`, the dashboard) and the
pack's README.md. The words it understands are read back from the text encoder's own vocabulary."""
import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LICENCE = ("Non-commercial research use only: trained on a subset of CelebA (Liu et al., ICCV 2015), whose terms "
           "allow non-commercial research use only, and every output inherits that term. Inference code and the "
           "TAEF2 autoencoder (madebyollin/taesd) are MIT; the face encoder is face-api's recognizer (MIT, a port "
           "of dlib's public-domain ResNet).")
TRAINING_DATA = ("faces-celeba: 5,547 in-the-wild CelebA photos of 269 people, prepared by `portraitbooth dataset "
                 "prepare` (128x128 portrait crops on the portrait-128 landmark template, face-api embeddings, "
                 "gender and expression labels, template captions), split by person; test people never trained on.")


def known_words(model):
    vocab = json.loads((REPO / "models" / "clip-tokenizer" / "vocab.json").read_text(encoding="utf-8"))
    by_id = {i: token for token, i in vocab.items()}
    words = [by_id[i].replace("</w>", "") for i in model.text_encoder.known_ids if i in by_id and i < 49406]
    return sorted(set(words))


def model_card(config, model, info):
    words = known_words(model)
    return {
        "description": (f"{config.pack.name}: a portrait model trained from scratch by PortraitBooth's own trainer "
                        f"(text encoder, STEA fuse MLP and U-Net over frozen TAEF2 latents), {config.pack.size}x"
                        f"{config.pack.size} head-and-shoulders portraits in the portrait-128 framing."),
        "training_data": TRAINING_DATA,
        "licence": LICENCE,
        "prompts": ("Understands captions like 'a photo of a woman', 'a close-up photo of a smiling man', "
                    "'a portrait photo of a sad woman'; its words: " + ", ".join(words) + ". Every other word is "
                    "unknown to it (one shared 'unknown' embedding): no accessories, clothes, places, styles or "
                    "art media, which its captions never named."),
        "readme": "README.md",
    }


def _paper_losses(config):
    """The issue-15 terms the run trained with, in a sentence."""
    parts = []
    if config.identity_loss_weight > 0:
        parts.append(f"DIP identity loss (weight {config.identity_loss_weight:g}, t ≤ {config.identity_loss_max_timestep})")
    if config.localization_loss_weight > 0:
        parts.append(f"ECAC localization loss (weight {config.localization_loss_weight:g})")
    if config.two_person_every:
        parts.append(f"two people side by side every {config.two_person_every} steps")
    if config.expression_balance:
        parts.append(f"emotion classes balanced (up to ×{config.expression_balance:g}, classes under "
                     f"{config.expression_min_samples} photos left as they are)")
    return ("With " + "; ".join(parts) + ".") if parts else "No identity (DIP) or localization (ECAC) loss."


def emotion_caption_summary(classes):
    """The run's emotion-caption report (expressions.REPORT_FILE) in one line for the card."""
    return "; ".join(f"{'/'.join(c['words'])} {c['samples']:,} photos"
                     + (" (too rare to balance)" if c["too_rare"] else f" ×{c['oversample']:.2f}")
                     + " [" + ", ".join(f"{w} {n:,}" for w, n in c["samples_per_word"].items()) + "]"
                     for c in classes)


def write_readme(path, name, config, card, info):
    u, t = config.unet, config.text
    lines = [
        f"# {name}", "", card["description"], "",
        "## Licence", "", card["licence"], "",
        "## Training data", "", card["training_data"], "",
        "## Training", "",
        f"- Steps: {info.get('steps_trained', '?')} of batch {config.batch_size}, AdamW (lr {config.learning_rate}, "
        f"warm-up {config.warmup_steps}, " + (f"cosine decay from step {config.decay_start} to {config.final_learning_rate_fraction:g}×, " if config.decay_start else "")
        + f"weight decay {config.weight_decay}), EMA {config.ema_decay}; seed {config.seed}.",
        "- Loss: L_noise (ε-prediction on the scaled_linear schedule, 1000 steps); "
        f"{config.text_only_fraction:.0%} of samples text-only, {config.unconditional_fraction:.0%} unconditional "
        f"(empty prompt); for {config.face_loss_fraction:.0%} of samples an extra face-region noise term "
        f"(weight {config.face_loss_weight})"
        + (f"; Min-SNR-γ weighting, γ = {config.min_snr_gamma:g}" if config.min_snr_gamma > 0 else "")
        + ". " + _paper_losses(config),
        f"- Precision: {'bf16 autocast (convolutions and matrix products in bfloat16; weights, norms and loss in float32)' if config.precision == 'bf16' else 'float32'} "
        f"on {config.device}, {config.threads} thread(s).",
        f"- Text encoder: causal transformer, width {t.width}, {t.layers} layers, {t.heads} heads, over the CLIP "
        "token ids its captions used. STEA: LayerNorm → Linear → GELU → Linear on [token ‖ normalised face], "
        f"residual, hidden {config.stea.hidden_width}.",
        f"- U-Net: channels {list(u.channels)}, {u.blocks} ResNet block(s) per level, cross-attention at levels "
        f"{[i for i, a in enumerate(u.attention) if a]} and the mid block, {u.heads} heads, FF ×{u.ff_multiple}"
        + ("; the context attention-pooled into the time embedding" if u.pooled_context else "") + ".",
        "- VAE: TAEF2, frozen; pixels in [0, 1]; latents 32×16×16 for 128×128, scaling factor 1.0.",
    ]
    for key, value in info.items():
        if key != "steps_trained":
            lines.append(f"- {key.replace('_', ' ')}: {value}")
    lines += ["", "## Prompts", "", card["prompts"], "",
              "## Framing", "",
              "Faces are expected upright and centred as in the portrait-128 template (docs/dataset.md): eyes at "
              "39% of the height, mouth at 66%, eye distance 23% of the side.", ""]
    Path(path).write_text("\n".join(lines), encoding="utf-8")
