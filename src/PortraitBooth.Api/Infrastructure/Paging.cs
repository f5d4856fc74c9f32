using PortraitBooth.Inference.Sampling;

namespace PortraitBooth.Api.Infrastructure;

/// <summary>A page of a list and the cursor of the next page (null on the last).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// Cursor paging over an ordinally sorted id list: the cursor is the last id of the previous page, so deletions
/// between pages neither skip nor repeat items.
/// </summary>
public static class Paging
{
    public const int DefaultLimit = 20, MaxLimit = 100;

    public static (IReadOnlyList<string> Ids, string? NextCursor) Slice(IEnumerable<string> ids, int? limit, string? cursor)
    {
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit) throw new InvalidRequestException($"limit must be between 1 and {MaxLimit}, got {take}");
        var sorted = ids.Order(StringComparer.Ordinal).ToList();
        var start = 0;
        if (!string.IsNullOrEmpty(cursor))
        {
            start = sorted.BinarySearch(cursor, StringComparer.Ordinal);
            start = start >= 0 ? start + 1 : ~start;
        }
        var page = sorted.Skip(start).Take(take).ToList();
        var next = start + page.Count < sorted.Count && page.Count > 0 ? page[^1] : null;
        return (page, next);
    }
}
