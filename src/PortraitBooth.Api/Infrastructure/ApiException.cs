namespace PortraitBooth.Api.Infrastructure;

/// <summary>An error answer with its own status (404, 409, 410, 429, ...); becomes a ProblemDetails body.</summary>
public class ApiException(int status, string title, string detail, IReadOnlyDictionary<string, string>? headers = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public IReadOnlyDictionary<string, string> Headers { get; } = headers ?? new Dictionary<string, string>();

    public static ApiException NotFound(string what) => new(StatusCodes.Status404NotFound, "Not Found", $"{what} was not found");
}
