using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PortraitBooth.Api;
using PortraitBooth.Api.Infrastructure;
using PortraitBooth.Inference.Diagnostics;
using PortraitBooth.Inference.Execution;
using PortraitBooth.Inference.Packs;

namespace PortraitBooth.Host;

/// <summary>
/// The one registration of what the API and the worker share from Inference (which has no DI): the pack settings,
/// where sessions run (<see cref="ExecutionSettings"/>, checked at start), the model locator and the pack registry.
/// </summary>
public static class InferenceServices
{
    public static IServiceCollection AddPortraitBoothInference(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PackSettings>().Bind(configuration.GetSection(PortraitBoothApiOptions.Section));
        services.AddOptions<ExecutionSettings>().Bind(configuration.GetSection(ExecutionSettings.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ExecutionSettings>, ExecutionSettingsValidator>();
        services.AddSingleton(sp => Resolve(sp.GetRequiredService<IOptions<ExecutionSettings>>().Value, sp.GetRequiredService<ILogger<ExecutionPlan>>()));
        services.AddSingleton<IModelLocator, FirstUseModelLocator>();
        services.AddSingleton(sp => new PackRegistry(sp.GetRequiredService<IOptions<PackSettings>>().Value,
            sp.GetRequiredService<IModelLocator>(), sp.GetRequiredService<ExecutionPlan>()));
        services.AddHealthChecks().AddCheck<ExecutionReadinessCheck>("execution-provider", tags: [ReadinessCheck.Tag]);
        return services;
    }

    private static ExecutionPlan Resolve(ExecutionSettings settings, ILogger logger)
    {
        var plan = ExecutionProviderCheck.Resolve(ExecutionPlan.From(settings));
        InferenceTelemetry.RecordExecution(plan);
        if (plan.FallbackReason is { } reason)
            logger.LogWarning("Running ONNX Runtime on the CPU: {Reason}", reason);
        else
            logger.LogInformation("ONNX Runtime sessions run on {Device}", plan.Device);
        return plan;
    }

    /// <summary>Refuses at start a setting that cannot be, or a provider that cannot start without a fallback.</summary>
    private sealed class ExecutionSettingsValidator : IValidateOptions<ExecutionSettings>
    {
        public ValidateOptionsResult Validate(string? name, ExecutionSettings options)
        {
            try
            {
                ExecutionProviderCheck.Resolve(ExecutionPlan.From(options));
                return ValidateOptionsResult.Success;
            }
            catch (Exception e) when (e is ArgumentException or ExecutionProviderUnavailableException)
            {
                return ValidateOptionsResult.Fail(e.Message);
            }
        }
    }

    /// <summary>Healthy with the device sessions run on; degraded (still ready) when CUDA was asked for and CPU is used.</summary>
    private sealed class ExecutionReadinessCheck(ExecutionPlan plan) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(plan.FallbackReason is { } reason
                ? HealthCheckResult.Degraded($"running on cpu instead of cuda:{plan.DeviceId}: {reason}")
                : HealthCheckResult.Healthy(plan.Device));
    }
}
