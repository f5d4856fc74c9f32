namespace PortraitBooth.Worker.Running;

public enum JobRunOutcome
{
    /// <summary>The job grain refused the start: already finished or cancelled (e.g. a redelivered message).</summary>
    Skipped,
    Succeeded,
    Failed,
    Cancelled,
    /// <summary>Images were made but the job grain dropped the completion (cancelled meanwhile); they were deleted.</summary>
    Dropped,
}
