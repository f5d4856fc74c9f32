using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PortraitBooth.Api.Dashboard;
using PortraitBooth.Api.Endpoints;
using PortraitBooth.Api.Infrastructure;
using PortraitBooth.Api.Models;
using Scalar.AspNetCore;

namespace PortraitBooth.Api;

public static class PortraitBoothApiExtensions
{
    /// <summary>
    /// The API's services: options (section <c>PortraitBooth</c>), snake_case JSON, ProblemDetails for every error,
    /// OpenAPI, health checks and upload face work. Needs an <see cref="IGrainFactory"/> (the silo or a client), a
    /// <see cref="PackRegistry"/>, an <see cref="Abstractions.Storage.IBlobStore"/> for photos and an
    /// <see cref="Abstractions.Storage.IResultStore"/> for images (the host registers them all).
    /// </summary>
    public static IServiceCollection AddPortraitBoothApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PortraitBoothApiOptions>().Bind(configuration.GetSection(PortraitBoothApiOptions.Section));
        services.ConfigureHttpJsonOptions(options => Configure(options.SerializerOptions));
        services.AddProblemDetails(options => options.CustomizeProblemDetails = StatusCodeProblem.Fill);
        // Binding failures throw, so the exception handler can name the field (otherwise a bare 400 without detail).
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi(OpenApiContract.Configure);
        services.AddHealthChecks().AddCheck<ReadinessCheck>("grains-and-models", tags: [ReadinessCheck.Tag]);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FaceWork>();
        services.AddSingleton<GenerationValidator>();
        services.AddSingleton<TenantKeyGuard>();
        services.AddOptions<AuthenticationThrottleOptions>().Bind(configuration.GetSection(AuthenticationThrottleOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthenticationThrottleOptions>, AuthenticationThrottleOptions.Validator>();
        services.AddSingleton<AuthenticationThrottle>();
        services.AddSingleton<AdminKeyCheck>();
        services.AddSingleton<AdminKeyGuard>();
        services.AddSingleton<AntiforgeryGuard>();
        services.AddDashboardSignIn();
        services.AddTrustedProxies(configuration);
        return services;
    }

    /// <summary>snake_case names and enums as snake_case strings, for requests, answers and events alike.</summary>
    public static void Configure(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
    }

    /// <summary>
    /// Error handling, <c>/v1</c> (tenant API behind the tenant key, admin API behind the admin key, both checked before
    /// the body is read), the admin dashboard and the Orleans Dashboard under <c>/admin</c> (behind the dashboard's
    /// sign-in), OpenAPI, Scalar, health.
    /// </summary>
    public static WebApplication MapPortraitBoothApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<RequestGuardMiddleware>(); // after the dashboard's sign-in, before any body is read

        var v1 = app.MapGroup("/v1");
        v1.MapGroup("").RequireTenantKey()
            .MapPacks()
            .MapIdentities()
            .MapGenerations();
        v1.MapAdmin();
        app.MapAdminDashboard();

        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapPortraitBoothHealth();
        return app;
    }

    /// <summary>
    /// <see cref="SecurityHeadersMiddleware"/>, first in the pipeline so that errors, redirects and the probes carry the
    /// headers too; every role of the host uses it.
    /// </summary>
    public static WebApplication UsePortraitBoothSecurityHeaders(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeadersMiddleware>();
        return app;
    }

    /// <summary>
    /// <c>/health/live</c> and <c>/health/ready</c>; the latter answers each readiness check's status and description
    /// as JSON (e.g. grains, Redis, the broker), 503 when any is unhealthy.
    /// </summary>
    public static WebApplication MapPortraitBoothHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadinessCheck.Tag),
            ResponseWriter = ReadinessReport.Write,
        });
        return app;
    }
}
