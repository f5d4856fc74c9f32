using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.Dashboard;
using PortraitBooth.Abstractions;
using PortraitBooth.Abstractions.Storage;
using PortraitBooth.Api.Endpoints;
using PortraitBooth.Api.Infrastructure;
using PortraitBooth.Api.Models;

namespace PortraitBooth.Api.Dashboard;

/// <summary>
/// <c>/admin</c>: the login page and sign-in, the dashboard page and its assets, its JSON under <c>/admin/api</c>
/// (overview polled by the page, the installed packs with their model cards, gallery images, job cancel, and the admin
/// API's tenant handlers), and the Orleans
/// Dashboard under <c>/admin/orleans</c>, all behind the same sign-in (<see cref="DashboardSignIn"/>).
/// </summary>
public static class DashboardEndpoints
{
    public const string OrleansDashboardPath = "/admin/orleans";
    private const int RecentJobs = 30, RecentFailures = 20, GalleryPerTenant = 8;

    public static WebApplication MapAdminDashboard(this WebApplication app)
    {
        var admin = app.MapGroup("/admin").ExcludeFromDescription();
        admin.MapGet("/login", (HttpContext http, IAntiforgery antiforgery) =>
            DashboardAssets.Page(http, "login.html", antiforgery.GetAndStoreTokens(http).RequestToken!));
        admin.MapPost("/login", SignIn).RequireAntiforgery();
        admin.MapGet("/assets/{name}", DashboardAssets.File);

        var signedIn = admin.MapGroup("").RequireAuthorization(DashboardSignIn.Policy).RequireAntiforgery();
        signedIn.MapGet("/", (HttpContext http, IAntiforgery antiforgery) =>
            DashboardAssets.Page(http, "index.html", antiforgery.GetAndStoreTokens(http).RequestToken!));
        signedIn.MapPost("/logout", (Delegate)SignOut); // as a Delegate: its NoContent answer is written

        var api = signedIn.MapGroup("/api");
        api.MapGet("/overview", Overview);
        api.MapGet("/packs", (PackRegistry packs) => TypedResults.Ok(PackEndpoints.List(packs)));
        api.MapGet("/jobs/{id}/images/{n:int}", Image);
        api.MapPost("/jobs/{id}/cancel", Cancel);
        api.MapGroup("/tenants").MapTenantAdministration(namePrefix: "Dashboard");

        // It has no sign-in of its own: every one of its routes requires the dashboard's; nor a policy of its own.
        app.UseWhen(http => http.Request.Path.StartsWithSegments(OrleansDashboardPath), branch => branch.Use((http, next) =>
        {
            http.Response.Headers.ContentSecurityPolicy = DashboardAssets.OrleansDashboardContentSecurityPolicy;
            return next(http);
        }));
        app.MapOrleansDashboard(OrleansDashboardPath).RequireAuthorization(DashboardSignIn.Policy).ExcludeFromDescription();
        return app;
    }

    public sealed record SignInBody(string? Key);

    private static async Task<NoContent> SignIn(HttpContext http, SignInBody body, AdminKeyCheck check)
    {
        await check.Verify(http, body.Key, "the admin key");
        await DashboardSessions.SignIn(http);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> SignOut(HttpContext http)
    {
        await DashboardSessions.SignOut(http);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<DashboardOverview>> Overview(IGrainFactory grains, TimeProvider time)
    {
        var operations = await grains.GetGrain<IOperationsGrain>(IOperationsGrain.Key).Read();
        var tenants = await AdminEndpoints.DescribeAll(grains);
        // Live jobs first (oldest first, as they are served), then the latest finished ones.
        var shown = operations.Jobs.Where(j => !j.Status.IsFinished()).Reverse()
            .Concat(operations.Jobs.Where(j => j.Status.IsFinished())).Take(RecentJobs).ToList();
        var snapshots = await Task.WhenAll(shown.Select(j => grains.GetGrain<IGenerationJobGrain>(j.JobId).Get()));
        var jobs = shown.Zip(snapshots, DashboardJob.From).ToList();
        var failures = operations.Jobs.Where(j => j.Status == JobStatus.Failed).Take(RecentFailures).Select(j => DashboardJob.From(j, null)).ToList();
        var gallery = operations.Jobs.Where(j => j.Status == JobStatus.Succeeded).GroupBy(j => j.TenantId)
            .Select(g => new GalleryTenant(g.Key, g.SelectMany(GalleryImages).Take(GalleryPerTenant).ToList()))
            .OrderBy(g => g.TenantId, StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new DashboardOverview(tenants, jobs, failures, operations.Workers.Select(DashboardWorker.From).ToList(),
            operations.LastHour, gallery, time.GetUtcNow()));
    }

    private static IEnumerable<GalleryImage> GalleryImages(JobActivity job) =>
        Enumerable.Range(0, job.ImageCount).Select(i => new GalleryImage(job.JobId, job.Prompt, job.Seeds[i], $"/admin/api/jobs/{job.JobId}/images/{i}"));

    private static async Task<FileContentHttpResult> Image(HttpContext http, IGrainFactory grains, IResultStore results, TimeProvider time, string id, int n)
    {
        var job = await grains.GetGrain<IGenerationJobGrain>(id).Get() ?? throw ApiException.NotFound($"generation '{id}'");
        return await ResultImages.Read(job, n, results, time, http.RequestAborted);
    }

    private static async Task<Ok<GenerationView>> Cancel(IGrainFactory grains, string id) =>
        TypedResults.Ok(GenerationView.From(await grains.GetGrain<IGenerationJobGrain>(id).Cancel() ?? throw ApiException.NotFound($"generation '{id}'")));
}
