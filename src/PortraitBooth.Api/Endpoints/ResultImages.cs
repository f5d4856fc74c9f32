using Microsoft.AspNetCore.Http.HttpResults;
using PortraitBooth.Abstractions;
using PortraitBooth.Abstractions.Storage;
using PortraitBooth.Api.Infrastructure;
using PortraitBooth.Api.Models;

namespace PortraitBooth.Api.Endpoints;

/// <summary>Image n of a job as a PNG download (the tenant API's and the dashboard's gallery).</summary>
internal static class ResultImages
{
    /// <summary>409 until the job succeeded, 404 for an image it has not, 410 once its images expired.</summary>
    public static async Task<FileContentHttpResult> Read(JobSnapshot job, int n, IResultStore results, TimeProvider time, CancellationToken cancellationToken)
    {
        var id = job.JobId;
        if (job.Status != JobStatus.Succeeded)
            throw new ApiException(StatusCodes.Status409Conflict, "Not ready", $"generation '{id}' is {GenerationView.StatusName(job.Status)}; images exist once it has succeeded");
        if (n < 0 || n >= job.ResultKeys.Count) throw ApiException.NotFound($"image {n} of generation '{id}'");
        var gone = new ApiException(StatusCodes.Status410Gone, "Gone", $"the images of generation '{id}' expired at {job.ExpiresAt:O}");
        if (job.ExpiresAt is { } expires && expires <= time.GetUtcNow()) throw gone;
        var png = await results.Get(job.ResultKeys[n], cancellationToken) ?? throw gone;
        return TypedResults.File(png, "image/png", $"{id}-{n}.png");
    }
}
