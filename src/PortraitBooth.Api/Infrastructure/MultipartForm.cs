using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using PortraitBooth.Inference.Sampling;

namespace PortraitBooth.Api.Infrastructure;

/// <summary>
/// Reads a form body so that every malformed one is a 400 naming the rule, not the framework's exception (a 500):
/// the boundary is checked before reading (present, at most <see cref="MaxBoundaryLength"/> characters), and the
/// reader's own failures (a body cut before its closing boundary, more fields than the form limit) get our messages.
/// </summary>
public static class MultipartForm
{
    /// <summary>RFC 2046 §5.1.1: a boundary is 1 to 70 characters (ASP.NET Core's own limit is looser).</summary>
    public const int MaxBoundaryLength = 70;

    public static async Task<IFormCollection> Read(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType || !MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType))
            throw new InvalidRequestException("send the photo as multipart/form-data with a 'photo' field");
        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value ?? "";
        var multipart = contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);
        if (multipart && boundary.Length == 0)
            throw new InvalidRequestException("Content-Type multipart/form-data needs a boundary parameter (boundary=...)");
        if (multipart && boundary.Length > MaxBoundaryLength)
            throw new InvalidRequestException($"the multipart boundary is {boundary.Length} characters; at most {MaxBoundaryLength} are allowed (RFC 2046)");
        try
        {
            return await request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidRequestException(Describe(e, request.HttpContext.RequestServices.GetService<IOptions<FormOptions>>()?.Value ?? new FormOptions()));
        }
        // Kestrel's 413 and an aborted request are IOExceptions too: they keep their own answers.
        catch (IOException e) when (e is not BadHttpRequestException && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            throw new InvalidRequestException($"the multipart body ends before its closing boundary '--{(boundary.Length > 0 ? boundary : "...")}--'");
        }
    }

    // The reader names the limit it hit only in its message; ours states the limit and never echoes the body.
    private static string Describe(InvalidDataException e, FormOptions limits) => e.Message switch
    {
        var m when m.Contains("value count limit", StringComparison.OrdinalIgnoreCase) =>
            $"the form has more than {limits.ValueCountLimit} fields; at most {limits.ValueCountLimit} are accepted",
        var m when m.Contains("key length limit", StringComparison.OrdinalIgnoreCase) =>
            $"a form field name is longer than {limits.KeyLengthLimit} characters, the most accepted",
        var m when m.Contains("value length limit", StringComparison.OrdinalIgnoreCase) =>
            $"a form field value is longer than {limits.ValueLengthLimit} bytes, the most accepted",
        var m when m.Contains("header", StringComparison.OrdinalIgnoreCase) || m.Contains("line length", StringComparison.OrdinalIgnoreCase) =>
            $"a multipart section has more than {limits.MultipartHeadersCountLimit} headers or more than {limits.MultipartHeadersLengthLimit} bytes of them",
        _ => "the multipart body is malformed: each section needs a Content-Disposition: form-data header with a name",
    };
}
