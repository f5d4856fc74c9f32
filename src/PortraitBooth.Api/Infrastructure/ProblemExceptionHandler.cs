using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using PortraitBooth.Inference;
using PortraitBooth.Inference.Conditioning;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Images;
using PortraitBooth.Inference.Sampling;
using PortraitBooth.Inference.Text;

namespace PortraitBooth.Api.Infrastructure;

/// <summary>
/// Every exception becomes a ProblemDetails answer:
/// <list type="bullet">
/// <item><see cref="ApiException"/>: its own status, title, detail and headers.</item>
/// <item>A <see cref="RequestException"/> of unusable input (<see cref="NoFaceException"/>, <see cref="InvalidImageException"/>): 422 Unprocessable Content. The request
/// is well formed but the photo cannot serve as an identity (no face, not an image, too many pixels). A photo that
/// could not be decoded gets a fixed reason, and the decoder's exception goes to the log with the trace id.</item>
/// <item>Every other <see cref="RequestException"/> (invalid field, identity count, prompt too long, unknown pack): 400.</item>
/// <item><see cref="BadHttpRequestException"/> (malformed body or query, body over the size limit, wrong content type):
/// its status (400, 413, 415), with a detail of <see cref="BindingProblem"/>'s.</item>
/// <item>Anything else: 500 without internals.</item>
/// </list>
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            ApiException api => (api.Status, api.Title, api.Message),
            InvalidImageException { DecodeFailure: { } failure } => (StatusCodes.Status422UnprocessableEntity, "Unusable photo", $"the photo could not be decoded: {failure}"),
            RequestException { IsUnusableInput: true } => (StatusCodes.Status422UnprocessableEntity, "Unusable photo", exception.Message),
            // Only our own request errors, whose messages are written for clients: any other ArgumentException (a
            // library's "An item with the same key has already been added") is internal text and a 500.
            RequestException => (StatusCodes.Status400BadRequest, "Invalid request", exception.Message),
            BadHttpRequestException bad => (bad.StatusCode, BadRequestTitle(bad.StatusCode), BindingProblem.Describe(context, bad)),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => (499, "Client closed request", "the request was aborted"),
            _ => (StatusCodes.Status500InternalServerError, "Internal error", "the server failed to answer; the error is logged"),
        };
        if (status >= 500) logger.LogError(exception, "unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
        // The client gets a fixed reason; the decoder's own exception is kept here, findable by the answer's trace_id.
        if (exception is InvalidImageException { InnerException: { } decoder })
            logger.LogWarning(decoder, "photo could not be decoded on {Method} {Path}, trace_id {TraceId}", context.Request.Method, context.Request.Path,
                Activity.Current?.Id ?? context.TraceIdentifier);
        if (exception is ApiException { Headers: var headers })
            foreach (var (name, value) in headers) context.Response.Headers[name] = value;
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    private static string BadRequestTitle(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "Payload too large",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
        _ => "Bad request",
    };
}
