namespace PortraitBooth.Host.Distributed;

/// <summary>The deployment shape (docs/architecture.md, "Deployment shapes").</summary>
public enum HostMode
{
    /// <summary>One process, no external services (the default).</summary>
    Embedded,
    /// <summary>Redis for cluster state and results, RabbitMQ for jobs; any number of api and gpu silos.</summary>
    Distributed,
}

/// <summary>What a distributed silo does; "api,gpu" is both.</summary>
[Flags]
public enum SiloRoles
{
    None = 0,
    /// <summary>The REST API and every grain activation.</summary>
    Api = 1,
    /// <summary>The job consumer, and no grain activations (killing it loses no grain state).</summary>
    Gpu = 2,
}
