using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace PortraitBooth.Api.Infrastructure;

/// <summary>
/// The detail of answers the framework makes without an exception (no route, wrong method, a body over the size
/// limit, a wrong content type): status code pages write them as ProblemDetails, and this fills in what they lack.
/// Kestrel's own rejections before any middleware (414, 431, a NUL in the path) have no body at all.
/// </summary>
public static class StatusCodeProblem
{
    public static void Fill(ProblemDetailsContext problem)
    {
        if (problem.ProblemDetails.Detail is not null) return;
        var context = problem.HttpContext;
        problem.ProblemDetails.Detail = problem.ProblemDetails.Status switch
        {
            StatusCodes.Status404NotFound => "no endpoint has this path; the API is under /v1 (see /openapi/v1.json)",
            StatusCodes.Status405MethodNotAllowed =>
                $"{context.Request.Method} is not allowed on this path{(context.Response.Headers.Allow is { Count: > 0 } allow ? $"; it allows {allow}" : "")}",
            StatusCodes.Status413PayloadTooLarge => PayloadTooLarge(context),
            StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType(context),
            _ => null,
        };
    }

    public static string PayloadTooLarge(HttpContext context) =>
        context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } limit
            ? $"the request body is larger than the {limit} bytes accepted here"
            : "the request body is larger than accepted here";

    // Routing answers a content type no endpoint accepts with an endpoint of its own, which carries no accepts metadata.
    public static string UnsupportedMediaType(HttpContext context) =>
        BindingProblem.EndpointOf(context)?.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes is { Count: > 0 } types
            ? $"Content-Type must be {string.Join(" or ", types)}"
            : "the Content-Type is not accepted here: JSON bodies need Content-Type application/json, photo uploads multipart/form-data";
}
