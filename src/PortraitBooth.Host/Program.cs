using PortraitBooth.Host;

// One process: Orleans silo + REST API + (embedded mode) the worker on MassTransit's in-memory transport.
var app = PortraitBoothHost.Build(args);
try
{
    await app.RunAsync();
    return 0;
}
catch (Microsoft.Extensions.Options.OptionsValidationException e)
{
    // A setting that cannot work (named in the message): one line, no stack trace.
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
