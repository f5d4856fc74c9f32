using PortraitBooth.Inference.Execution;
using PortraitBooth.Inference.Packs;

namespace PortraitBooth.Cli;

/// <summary>A problem with what the user asked for; printed as one line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>Runs a command body so that every error ends as one clear line on stderr and a non-zero exit code.</summary>
public static class CliErrors
{
    public const int UsageError = 2;
    public const int Failure = 1;

    public static async Task<int> Guard(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("error: cancelled");
            return Failure;
        }
        catch (Exception e) when (e is UsageException or PackException or ArgumentException or FileNotFoundException
                                       or DirectoryNotFoundException or InvalidDataException
                                       or ExecutionProviderUnavailableException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return UsageError;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"error: {e.GetType().Name}: {e.Message}");
            return Failure;
        }
    }

    public static Task<int> Guard(Func<int> body) => Guard(() => Task.FromResult(body()));
}
