"""One JSON config per pack: every key known, every value checked, before any work starts."""
import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional


class ConfigError(ValueError):
    """A config that cannot be used; the message names the file, the key and the problem."""


@dataclass(frozen=True)
class TextConfig:
    width: int = 192
    layers: int = 2
    heads: int = 4


@dataclass(frozen=True)
class UnetConfig:
    channels: tuple = (96, 128, 192)
    blocks: int = 1
    attention: tuple = (False, True, True)
    heads: int = 4
    groups: int = 32
    ff_multiple: int = 2
    pooled_context: bool = False


@dataclass(frozen=True)
class SteaConfig:
    hidden_width: int = 512


@dataclass(frozen=True)
class SchedulerConfig:
    """diffusers' scheduler_config fields, written to pack.json as they are."""
    type: str = "euler_discrete"
    num_train_timesteps: int = 1000
    beta_start: float = 0.00085
    beta_end: float = 0.012
    beta_schedule: str = "scaled_linear"
    timestep_spacing: str = "linspace"
    steps_offset: int = 1
    prediction_type: str = "epsilon"


@dataclass(frozen=True)
class PackInfo:
    name: str = "portrait-128"
    version: str = "1.0.0"
    size: int = 128
    size_multiple: int = 32
    size_min: int = 64
    size_max: int = 256
    default_steps: int = 30
    default_guidance: float = 4.0


@dataclass(frozen=True)
class TrainConfig:
    dataset: str = ""
    run_dir: str = ""
    init_from: str = ""
    taef2: str = "../shared/models/taef2"
    seed: int = 1
    steps: int = 6000
    batch_size: int = 32
    learning_rate: float = 2e-4
    warmup_steps: int = 200
    decay_start: int = 0  # 0: constant after the warm-up; else a cosine from this step to the last
    final_learning_rate_fraction: float = 0.1
    weight_decay: float = 0.01
    grad_clip: float = 1.0
    ema_decay: float = 0.999
    text_only_fraction: float = 0.1
    unconditional_fraction: float = 0.1
    face_loss_fraction: float = 0.5
    face_loss_weight: float = 1.0
    min_snr_gamma: float = 0.0
    identity_loss_weight: float = 0.0          # DIP (issue 15): λ_id of L_id = 1 − cos(φ(ref), φ(x̂0's face)); 0 = off
    identity_loss_max_timestep: int = 250      # DIP applies to fused rows with t ≤ this (x̂0 is a face only there)
    face_recognizer: str = "models/face/recognizer.onnx"  # φ for DIP: face-api's recognizer as the project converts it
    two_person_every: int = 0                  # every Nth step trains two people side by side (pairs.py, half the batch); 0 = never
    localization_loss_weight: float = 0.0      # ECAC (issue 15): 1 = the paper's L_loc with its β, γ, λ, μ; 0 = off
    expression_balance: float = 0.0            # issue 15: 0 = off; ≥ 1 = one emotion word per confident sample, its class drawn up to this many times as often (expressions.py)
    expression_min_samples: int = 20           # a class with fewer photos is reported, not oversampled
    mirror: bool = True
    threads: int = 2
    device: str = "cpu"
    precision: str = "fp32"
    checkpoint_every: int = 250
    keep_checkpoints: int = 2
    progress_seconds: float = 20.0
    sample_every: int = 500
    sample_steps: int = 20
    sample_guidance: float = 4.0
    text: TextConfig = field(default_factory=TextConfig)
    unet: UnetConfig = field(default_factory=UnetConfig)
    stea: SteaConfig = field(default_factory=SteaConfig)
    scheduler: SchedulerConfig = field(default_factory=SchedulerConfig)
    pack: PackInfo = field(default_factory=PackInfo)

    def to_json(self):
        return json.dumps(dataclasses.asdict(self), indent=2)


PRECISIONS = ("fp32", "bf16")  # bf16: autocast matrix products and convolutions, float32 weights, norms and loss

_NESTED = {"text": TextConfig, "unet": UnetConfig, "stea": SteaConfig, "scheduler": SchedulerConfig, "pack": PackInfo}


def _build(cls, values, where):
    if not isinstance(values, dict):
        raise ConfigError(f"{where}: expected an object, got {type(values).__name__}")
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigError(f"{where}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
                          f"(known: {', '.join(known)})")
    built = {}
    for name, value in values.items():
        key = f"{where}.{name}"
        if name in _NESTED and cls is TrainConfig:
            built[name] = _build(_NESTED[name], value, key)
            continue
        default = known[name].default if known[name].default is not dataclasses.MISSING else None
        built[name] = _coerce(value, default, key)
    return cls(**built)


def _coerce(value, default, key):
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{key}: expected true or false, got {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{key}: expected an integer, got {value!r}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{key}: expected a number, got {value!r}")
        return float(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError(f"{key}: expected a string, got {value!r}")
        return value
    if isinstance(default, tuple):
        if not isinstance(value, (list, tuple)) or not value:
            raise ConfigError(f"{key}: expected a non-empty list, got {value!r}")
        return tuple(_coerce(v, default[0], f"{key}[{i}]") for i, v in enumerate(value))
    return value


def _check(config, where):
    positive = ["steps", "batch_size", "checkpoint_every", "keep_checkpoints", "threads", "sample_steps"]
    for name in positive:
        if getattr(config, name) <= 0:
            raise ConfigError(f"{where}: {name} must be positive, got {getattr(config, name)}")
    for name in ["text_only_fraction", "unconditional_fraction", "face_loss_fraction"]:
        if not 0.0 <= getattr(config, name) <= 1.0:
            raise ConfigError(f"{where}: {name} must lie in [0, 1], got {getattr(config, name)}")
    if config.text_only_fraction + config.unconditional_fraction > 1.0:
        raise ConfigError(f"{where}: text_only_fraction + unconditional_fraction exceed 1")
    if not 0.0 <= config.ema_decay < 1.0:
        raise ConfigError(f"{where}: ema_decay must lie in [0, 1), got {config.ema_decay}")
    if config.min_snr_gamma < 0:
        raise ConfigError(f"{where}: min_snr_gamma must be 0 (off) or positive, got {config.min_snr_gamma}")
    if config.identity_loss_weight < 0:
        raise ConfigError(f"{where}: identity_loss_weight must be 0 (off) or positive, got {config.identity_loss_weight}")
    if config.two_person_every < 0:
        raise ConfigError(f"{where}: two_person_every must be 0 (never) or positive, got {config.two_person_every}")
    if config.localization_loss_weight < 0:
        raise ConfigError(f"{where}: localization_loss_weight must be 0 (off) or positive, got {config.localization_loss_weight}")
    if config.expression_balance != 0 and config.expression_balance < 1:
        raise ConfigError(f"{where}: expression_balance must be 0 (off) or at least 1, got {config.expression_balance}")
    if config.expression_min_samples < 1:
        raise ConfigError(f"{where}: expression_min_samples must be at least 1, got {config.expression_min_samples}")
    if not 0 <= config.identity_loss_max_timestep < config.scheduler.num_train_timesteps:
        raise ConfigError(f"{where}: identity_loss_max_timestep must lie in [0, {config.scheduler.num_train_timesteps}), "
                          f"got {config.identity_loss_max_timestep}")
    if config.learning_rate <= 0:
        raise ConfigError(f"{where}: learning_rate must be positive")
    if config.decay_start < 0 or (config.decay_start and config.decay_start >= config.steps):
        raise ConfigError(f"{where}: decay_start must be 0 (off) or a step before steps ({config.steps}), got {config.decay_start}")
    if not 0 <= config.final_learning_rate_fraction <= 1:
        raise ConfigError(f"{where}: final_learning_rate_fraction must lie in [0, 1], got {config.final_learning_rate_fraction}")
    u = config.unet
    if len(u.channels) != len(u.attention):
        raise ConfigError(f"{where}: unet.channels and unet.attention need one entry per level")
    for c in u.channels:
        if c % u.groups or c % u.heads:
            raise ConfigError(f"{where}: unet channel width {c} must be divisible by groups {u.groups} and heads {u.heads}")
    if config.text.width % config.text.heads:
        raise ConfigError(f"{where}: text.width {config.text.width} must be divisible by text.heads {config.text.heads}")
    if config.precision not in PRECISIONS:
        raise ConfigError(f"{where}: precision must be one of {', '.join(PRECISIONS)}, got {config.precision!r}")
    if config.device not in ("cpu", "cuda") and not config.device.startswith("cuda:"):
        raise ConfigError(f"{where}: device must be cpu, cuda or cuda:N, got {config.device!r}")


def parse_setting(text):
    """`KEY=VALUE` from the command line → (key, value): VALUE read as JSON (numbers, true, lists), else as a string."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"--set {text!r}: expected KEY=VALUE")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return key.strip(), value


def load(path, overrides: Optional[dict] = None):
    """The config at path with top-level overrides; its paths resolved (see resolve_path)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config not found: {path}")
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ConfigError(f"{path}: not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})") from None
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = value
    config = _build(TrainConfig, values, str(path))
    _check(config, str(path))
    return dataclasses.replace(config, **{k: resolve_path(getattr(config, k)) for k in _PATHS})


_PATHS = ("dataset", "run_dir", "taef2", "init_from", "face_recognizer")
REPO = Path(__file__).resolve().parents[1]


def resolve_path(value):
    """~ and $VARS expanded; a relative path is relative to the repo root (configs name ../shared/...)."""
    if not value:
        return value
    expanded = Path(os.path.expandvars(os.path.expanduser(value)))
    return str(expanded if expanded.is_absolute() else (REPO / expanded).resolve())


def from_dict(values, where="config"):
    config = _build(TrainConfig, values, where)
    _check(config, where)
    return config
