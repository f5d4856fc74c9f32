namespace PortraitBooth.Inference;

/// <summary>
/// A request its sender can correct: the message is written for them (the field, the value, what is allowed). The
/// API answers it with a ProblemDetails (<see cref="IsUnusableInput"/>: 422, else 400), the worker fails the job
/// with it instead of retrying, and the CLI prints it as one line with exit code 2.
/// </summary>
public abstract class RequestException(string message, string? paramName = null, Exception? inner = null)
    : ArgumentException(message, paramName, inner)
{
    /// <summary>Well formed, but the input (a photo) cannot serve: no face, not an image.</summary>
    public virtual bool IsUnusableInput => false;
}
