using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace PortraitBooth.Api.Infrastructure;

/// <summary>
/// The detail of a request that minimal APIs could not bind (<see cref="BadHttpRequestException"/>, thrown because
/// <c>ThrowOnBadRequest</c> is on). The framework's text names C# types and parameter syntax, so it is never passed
/// on: the detail is written here from the structured parts (the JSON path of the failure and the type expected
/// there, or the query parameter's name) and names the field and the rule.
/// </summary>
public static partial class BindingProblem
{
    public const string Body = "request body";
    private const int MaxFieldLength = 100;

    public static string Describe(HttpContext context, BadHttpRequestException exception)
    {
        if (exception.InnerException is JsonException json) return DescribeJson(context, json);
        if (exception.StatusCode == StatusCodes.Status415UnsupportedMediaType) return StatusCodeProblem.UnsupportedMediaType(context);
        if (exception.StatusCode == StatusCodes.Status413PayloadTooLarge) return StatusCodeProblem.PayloadTooLarge(context);
        var parameter = ParameterInMessage().Match(exception.Message);
        if (!parameter.Success) return "the request is malformed and could not be read";
        var name = parameter.Groups["name"].Value;
        var type = ParameterType(context, name);
        if (!exception.Message.StartsWith("Failed to bind", StringComparison.Ordinal))
            return type is not null && type == BodyType(context)
                ? $"{Body} is required: send a JSON object (it was empty or null)"
                : $"{name} is required";
        var given = context.Request.Query[name].Count;
        if (given > 1) return $"{name} is given {given} times; give it once";
        return $"{name} must be {(type is null ? "a valid value" : Expected(type))}";
    }

    private static string DescribeJson(HttpContext context, JsonException json)
    {
        var (field, type) = Locate(context, json.Path);
        var where = $"line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1}";
        // The kind of failure is only in the messages (the reader's is the inner one): matched, never echoed.
        var message = json.Message + " " + json.InnerException?.Message;
        if (message.Contains("maximum configured depth", StringComparison.OrdinalIgnoreCase))
        {
            var options = context.RequestServices.GetService<IOptions<JsonOptions>>()?.Value.SerializerOptions;
            var maxDepth = options?.MaxDepth is > 0 and var depth ? depth : 64;
            return $"{Body} nests deeper than {maxDepth} levels, the most accepted ({where})";
        }
        if (message.Contains("UTF-8", StringComparison.OrdinalIgnoreCase) || message.Contains("UTF-16", StringComparison.OrdinalIgnoreCase))
            return $"{field} is not valid text: it has invalid UTF-8 bytes or an unpaired UTF-16 surrogate ({where})";
        if (message.Contains("could not be converted", StringComparison.OrdinalIgnoreCase))
            return $"{field} must be {(type is null ? "of another JSON type" : Expected(type))}";
        return $"{Body} is not valid JSON{(field == Body ? "" : $" at {field}")} ({where})";
    }

    /// <summary>The field a JSON path names (<c>$.boxes[0].x</c> → <c>boxes[0].x</c>) and its type in the endpoint's body, when found.</summary>
    private static (string Field, Type? Type) Locate(HttpContext context, string? path)
    {
        var type = BodyType(context);
        if (string.IsNullOrEmpty(path) || path == "$") return (Body, type);
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        foreach (Match step in PathStep().Matches(path))
            type = type is null ? null : step.Groups["index"].Success ? ElementType(type) : PropertyType(type, step.Groups["name"].Value);
        // The path holds the client's property names: a long one is cut, not echoed whole.
        return (field.Length > MaxFieldLength ? field[..MaxFieldLength] + "…" : field, type);
    }

    private static Type? BodyType(HttpContext context) => EndpointOf(context)?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;

    /// <summary>The endpoint that failed: the exception handler has already cleared the request's own.</summary>
    public static Endpoint? EndpointOf(HttpContext context) =>
        context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;

    private static Type? PropertyType(Type type, string jsonName) =>
        (Nullable.GetUnderlyingType(type) ?? type).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name) == jsonName)?.PropertyType;

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static Type? ParameterType(HttpContext context, string name) =>
        EndpointOf(context)?.Metadata.GetMetadata<MethodInfo>()?.GetParameters().FirstOrDefault(p => p.Name == name)?.ParameterType;

    private static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return "a string";
        if (type == typeof(bool)) return "true or false";
        if (type.IsEnum) return "one of " + string.Join(", ", Enum.GetNames(type).Select(JsonNamingPolicy.SnakeCaseLower.ConvertName));
        if (type == typeof(float) || type == typeof(double) || type == typeof(decimal)) return "a number";
        if (type.IsPrimitive && type.GetField("MinValue") is { } min && type.GetField("MaxValue") is { } max)
            return $"a whole number from {min.GetValue(null)} to {max.GetValue(null)}";
        if (typeof(IEnumerable).IsAssignableFrom(type)) return "an array";
        return "a JSON object";
    }

    // 'Failed to bind parameter "int? limit" from "abc".', 'Implicit body inferred for parameter "body" but no body was provided.'
    [GeneratedRegex("parameter \"(?:[^\"]+ )?(?<name>[^\" ]+)\"")]
    private static partial Regex ParameterInMessage();

    [GeneratedRegex("""\.(?<name>[^.\[]+)|\[(?<index>\d+)\]""")]
    private static partial Regex PathStep();
}
