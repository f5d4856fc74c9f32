"""The pack's noise schedule (scaled_linear β, 1000 steps) for training, and the Euler sampler the runtime runs
(src/PortraitBooth.Inference/Scheduling), for the trainer's sample grids."""
import numpy as np
import torch


class NoiseSchedule:
    def __init__(self, scheduler):
        if scheduler.beta_schedule != "scaled_linear" or scheduler.prediction_type != "epsilon":
            raise ValueError("the trainer supports beta_schedule scaled_linear with epsilon prediction")
        if scheduler.timestep_spacing != "linspace":
            raise ValueError("the trainer's sampler supports timestep_spacing linspace")
        self.steps = scheduler.num_train_timesteps
        betas = np.linspace(scheduler.beta_start ** 0.5, scheduler.beta_end ** 0.5, self.steps, dtype=np.float64) ** 2
        self.alphas_cumprod = torch.from_numpy(np.cumprod(1.0 - betas))
        self.sigmas = ((1 - self.alphas_cumprod) / self.alphas_cumprod).sqrt()

    def add_noise(self, x0, noise, t):
        """x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·ε: the Euler sampler's scaled input x_σ/√(σ²+1) at σ_t."""
        a = self.alphas_cumprod[t.cpu()].float().to(x0.device).view(-1, *([1] * (x0.dim() - 1)))
        return a.sqrt() * x0 + (1 - a).sqrt() * noise

    def predicted_x0(self, noisy, eps, t):
        """x̂0 = (x_t − √(1−ᾱ_t)·ε̂)/√ᾱ_t: the clean latent a predicted ε implies."""
        a = self.alphas_cumprod[t.cpu()].float().to(noisy.device).view(-1, *([1] * (noisy.dim() - 1)))
        return (noisy - (1 - a).sqrt() * eps) / a.sqrt()

    def snr(self, t):
        """Signal-to-noise ratio ᾱ_t/(1−ᾱ_t) at integer timesteps t, float32."""
        a = self.alphas_cumprod[t.cpu()]
        return (a / (1 - a)).float()

    def euler_timesteps(self, count):
        """linspace spacing: T−1 … 0 (fractional), σ interpolated at them, then 0."""
        timesteps = np.linspace(0, self.steps - 1, count, dtype=np.float64)[::-1].copy()
        sigmas = np.interp(timesteps, np.arange(self.steps), self.sigmas.numpy())
        return timesteps, np.append(sigmas, 0.0)


@torch.no_grad()
def euler_sample(predict, schedule, shape, steps, generator):
    """predict(model_input, timestep_value) -> ε for the batch; returns the final latent."""
    timesteps, sigmas = schedule.euler_timesteps(steps)
    x = torch.randn(shape, generator=generator, dtype=torch.float32) * float(np.sqrt(sigmas[0] ** 2 + 1))
    for i, t in enumerate(timesteps):
        sigma = sigmas[i]
        eps = predict(x / float(np.sqrt(sigma ** 2 + 1)), float(t))
        x = x + float(sigmas[i + 1] - sigma) * eps
    return x
