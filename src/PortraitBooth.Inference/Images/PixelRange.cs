namespace PortraitBooth.Inference.Images;

/// <summary>
/// The value range of a pack's VAE image tensors (<c>vae.pixel_range</c>): what the decoder outputs and what the
/// encoder takes in, both directions here. [−1, 1] for SD 1.5, [0, 1] for TAEF2.
/// </summary>
public readonly record struct PixelRange(float Low, float High)
{
    /// <summary>SD's range, used when pack.json names none.</summary>
    public static readonly PixelRange Symmetric = new(-1f, 1f);

    /// <summary>A decoder value → an 8-bit channel value (rounded, clamped).</summary>
    public byte ToByte(float value) => (byte)Math.Clamp(MathF.Round((value - Low) * (255f / (High - Low))), 0f, 255f);

    /// <summary>A channel intensity in [0, 1] (0 black, 1 full) → the encoder's input value.</summary>
    public float FromUnit(double unit) => (float)(Low + (High - Low) * unit);

    public override string ToString() => FormattableString.Invariant($"[{Low}, {High}]");
}
