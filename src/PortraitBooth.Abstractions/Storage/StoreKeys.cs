namespace PortraitBooth.Abstractions.Storage;

/// <summary>Store keys are '/'-separated segments of letters, digits, '.', '_' and '-', so a key never escapes a folder.</summary>
public static class StoreKeys
{
    public static string Check(string key)
    {
        var segments = key.Split('/');
        if (key.Length is 0 or > 512 || segments.Any(s => s.Length == 0 || s is "." or ".." || !s.All(IsAllowed)))
            throw new ArgumentException($"'{key}' is not a valid store key");
        return key;
    }

    /// <summary>Where an identity's uploaded photo is stored (the worker reads it back to recompute φ for another pack).</summary>
    public static string Photo(string tenantId, string identityId) => Check($"photos/{tenantId}/{identityId}.jpg");

    /// <summary>
    /// Where image <paramref name="index"/> of a job's attempt is stored; the tenant prefix keeps tenants apart, and
    /// the attempt keeps a dropped attempt's clean-up from deleting the images of the attempt that succeeded.
    /// </summary>
    public static string Result(string tenantId, string jobId, int attempt, int index) => Check($"{tenantId}/{jobId}/{attempt}/{index}");

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
}
