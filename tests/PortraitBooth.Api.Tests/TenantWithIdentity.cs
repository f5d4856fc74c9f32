namespace PortraitBooth.Api.Tests;

/// <summary>A test class's own tenant, with one identity (the Clooney photo), made before its first test.</summary>
public abstract class TenantWithIdentity(HostFixture host) : IAsyncLifetime
{
    protected HostFixture Host { get; } = host;
    protected string Key { get; private set; } = "";
    protected string Identity { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        (_, Key) = await Host.NewTenant();
        using var client = Host.Client(Key);
        Identity = (await ApiClient.CreateIdentity(client)).GetProperty("id").GetString()!;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
