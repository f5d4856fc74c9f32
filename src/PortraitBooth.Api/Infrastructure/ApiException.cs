namespace PortraitBooth.Api.Infrastructure;

/// <summary>An error answer with its own status (404, 409, 410, 429, ...); becomes a ProblemDetails body.</summary>
public class ApiException(int status, string title, string detail, IReadOnlyDictionary<string, string>? headers = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public IReadOnlyDictionary<string, string> Headers { get; } = headers ?? new Dictionary<string, string>();

    public static ApiException NotFound(string what) => new(StatusCodes.Status404NotFound, "Not Found", $"{what} was not found");

    /// <summary>429 with <c>Retry-After</c> in whole seconds (at least 1).</summary>
    public static ApiException TooManyRequests(string detail, TimeSpan? retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling((retryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds));
        return new(StatusCodes.Status429TooManyRequests, "Too Many Requests", detail, new Dictionary<string, string> { ["Retry-After"] = seconds.ToString() });
    }
}
