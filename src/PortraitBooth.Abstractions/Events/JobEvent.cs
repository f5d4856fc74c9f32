namespace PortraitBooth.Abstractions.Events;

/// <summary>A change of a job: a sampling step (status running) or a transition (running, or an end state).</summary>
/// <param name="Step">Sampling steps done over all images of the job.</param>
[GenerateSerializer, Immutable, Alias("pb.JobEvent")]
public sealed record JobEvent(
    [property: Id(0)] string JobId,
    [property: Id(1)] string TenantId,
    [property: Id(2)] JobStatus Status,
    [property: Id(3)] int Step,
    [property: Id(4)] int TotalSteps)
{
    public bool IsFinished => Status.IsFinished();
}
