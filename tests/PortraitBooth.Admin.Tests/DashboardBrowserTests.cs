using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PortraitBooth.Api.Tests;
using PortraitBooth.Testing;
using static Microsoft.Playwright.Assertions;

namespace PortraitBooth.Admin.Tests;

/// <summary>The dashboard in headless Chromium against the real host: its views follow real jobs, its actions reach the API.</summary>
public sealed class DashboardBrowserTests(HostFixture host, Chromium chromium) : IClassFixture<HostFixture>, IClassFixture<Chromium>
{
    // Long enough on the tiny pack (600 steps at 512 px: over ten seconds) that the page, polling every 2 s, sees the
    // job running and can cancel it; every test that starts one cancels it.
    private static readonly object LongJob = new { prompt = "a portrait photo of a woman wearing a red hat", steps = 150, count = 4, seed = 5, width = 512, height = 512 };

    public static string ScreenshotPath => Path.Combine(SharedData.RepoRoot, "artifacts", "admin", "dashboard.png");

    [Fact]
    public async Task A_job_submitted_through_the_api_appears_and_finishes_with_its_output_in_the_gallery_and_a_long_one_shows_running()
    {
        var (tenantId, key) = await host.NewTenant("watch");
        var page = await SignedInPage();
        using var client = host.Client(key);

        var job = await ApiClient.Submit(client, new { prompt = "a portrait photo of a man in the snow", steps = 120, count = 2, seed = 42 });
        var row = JobRow(page, job.GetProperty("id").GetString()!);
        // The job can end between two polls of the page (2 s) on the tiny pack, so its row may first show any state;
        // the running state is watched below with a long job.
        await Expect(row.Locator(".badge")).ToHaveTextAsync(new Regex("^(queued|running|succeeded)$"));
        await Expect(row.Locator(".badge")).ToHaveTextAsync("succeeded", new() { Timeout = 300_000 });
        await Expect(row).ToContainTextAsync("240/240");

        var figure = page.Locator($"#gallery figure[data-job-id='{job.GetProperty("id").GetString()}']");
        await Expect(figure).ToHaveCountAsync(2);
        await Expect(figure.First).ToContainTextAsync("seed 42");
        await Expect(figure.Nth(1)).ToContainTextAsync("seed 43");
        await Expect(figure.First.Locator("img")).ToHaveJSPropertyAsync("complete", true);
        Assert.True(await figure.First.Locator("img").EvaluateAsync<int>("img => img.naturalWidth") > 0, "the thumbnail's PNG did not load");

        await Expect(TenantRow(page, tenantId)).ToContainTextAsync("2 / 1000"); // images today against the daily quota
        await Expect(page.Locator("#workers tbody tr")).Not.ToHaveCountAsync(0);

        // The screenshot shows live data: a second job running beside the finished one.
        var running = await ApiClient.Submit(client, LongJob);
        var runningRow = JobRow(page, running.GetProperty("id").GetString()!);
        await Expect(runningRow.Locator(".badge")).ToHaveTextAsync("running", new() { Timeout = 300_000 });
        await Expect(runningRow.Locator("progress")).Not.ToHaveJSPropertyAsync("value", 0);
        Directory.CreateDirectory(Path.GetDirectoryName(ScreenshotPath)!);
        await page.ScreenshotAsync(new() { Path = ScreenshotPath, FullPage = true });
        TestContext.Current.SendDiagnosticMessage("dashboard screenshot: " + ScreenshotPath);
        Console.WriteLine("dashboard screenshot: " + ScreenshotPath);
        Assert.True(new FileInfo(ScreenshotPath).Length > 10_000);
        await client.PostAsync($"/v1/generations/{running.GetProperty("id").GetString()}/cancel", null);
    }

    [Fact]
    public async Task Cancel_from_the_dashboard_stops_a_running_job()
    {
        var (_, key) = await host.NewTenant("cancel");
        var page = await SignedInPage();
        using var client = host.Client(key);
        var id = (await ApiClient.Submit(client, LongJob)).GetProperty("id").GetString()!;

        var row = JobRow(page, id);
        await Expect(row.Locator(".badge")).ToHaveTextAsync("running", new() { Timeout = 300_000 });
        await row.Locator("button.cancel").ClickAsync();
        await Expect(row.Locator(".badge")).ToHaveTextAsync("cancelled");
        await Expect(row.Locator("button.cancel")).ToHaveCountAsync(0);

        var job = await ApiClient.Expect(await client.GetAsync($"/v1/generations/{id}"), HttpStatusCode.OK);
        Assert.Equal("cancelled", job.GetProperty("status").GetString());
        Assert.True(job.GetProperty("progress").GetProperty("step").GetInt32() < 600, "the job ran to its end");
    }

    [Fact]
    public async Task A_failed_job_shows_in_recent_failures_with_its_error_text()
    {
        // The tenant runs one job at a time: the second waits behind a long one while its identity is deleted.
        var (_, key) = await host.NewTenant("fail", maxJobsInFlight: 1);
        var page = await SignedInPage();
        using var client = host.Client(key);
        var identityId = (await ApiClient.CreateIdentity(client)).GetProperty("id").GetString()!;
        var blocker = (await ApiClient.Submit(client, LongJob)).GetProperty("id").GetString()!;
        var doomed = (await ApiClient.Submit(client, new { prompt = "a photo of a man", identities = new[] { identityId }, steps = 4 }))
            .GetProperty("id").GetString()!;
        await ApiClient.Expect(await client.DeleteAsync($"/v1/identities/{identityId}"), HttpStatusCode.NoContent);
        await ApiClient.Expect(await client.PostAsync($"/v1/generations/{blocker}/cancel", null), HttpStatusCode.OK);

        var failure = page.Locator($"#failures tbody tr[data-id='{doomed}']");
        await Expect(failure).ToContainTextAsync($"identity '{identityId}' does not exist", new() { Timeout = 300_000 });
        await Expect(JobRow(page, doomed).Locator(".badge")).ToHaveTextAsync("failed");
    }

    [Fact]
    public async Task Suspending_a_tenant_from_the_dashboard_refuses_its_next_request_and_resuming_restores_it()
    {
        var (tenantId, key) = await host.NewTenant("suspend");
        var page = await SignedInPage();
        using var client = host.Client(key);
        await ApiClient.Expect(await client.GetAsync("/v1/generations"), HttpStatusCode.OK);

        var row = TenantRow(page, tenantId);
        await row.Locator("button.suspend").ClickAsync();
        await Expect(row.Locator(".status")).ToHaveTextAsync("suspended");
        var detail = await ApiClient.ExpectProblem(await client.GetAsync("/v1/generations"), HttpStatusCode.Forbidden);
        Assert.Contains("suspended from the dashboard", detail);

        await row.Locator("button.resume").ClickAsync();
        await Expect(row.Locator(".status")).ToHaveTextAsync("active");
        await ApiClient.Expect(await client.GetAsync("/v1/generations"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Keys_and_quotas_change_from_the_dashboard()
    {
        var (tenantId, _) = await host.NewTenant("keys");
        var page = await SignedInPage();
        var row = TenantRow(page, tenantId);

        await row.Locator("button.new-key").ClickAsync();
        await Expect(page.Locator("#key-dialog")).ToBeVisibleAsync();
        var newKey = await page.Locator("#key-secret").InnerTextAsync();
        await page.Locator("#key-dialog button").ClickAsync();
        using (var client = host.Client(newKey))
            await ApiClient.Expect(await client.GetAsync("/v1/generations"), HttpStatusCode.OK);

        var dashboardKey = row.Locator("ul.keys li", new() { HasText = "(dashboard)" });
        await dashboardKey.Locator("button.revoke-key").ClickAsync();
        await Expect(dashboardKey).ToHaveCountAsync(0);
        using (var client = host.Client(newKey))
            await ApiClient.ExpectProblem(await client.GetAsync("/v1/generations"), HttpStatusCode.Unauthorized);

        await row.Locator("summary", new() { HasText = "Quotas" }).ClickAsync();
        await row.Locator("input[name=max_jobs_in_flight]").FillAsync("3");
        await row.Locator("input[name=images_per_day]").FillAsync("50");
        await row.Locator("button", new() { HasText = "Save quotas" }).ClickAsync();
        await Expect(row).ToContainTextAsync("0 / 50");
        using var admin = host.Admin();
        var quotas = (await ApiClient.Expect(await admin.GetAsync($"/v1/admin/tenants/{tenantId}"), HttpStatusCode.OK)).GetProperty("quotas");
        Assert.Equal(3, quotas.GetProperty("max_jobs_in_flight").GetInt32());
        Assert.Equal(50, quotas.GetProperty("images_per_day").GetInt32());
    }

    [Fact]
    public async Task The_packs_section_shows_each_packs_defaults_and_model_card()
    {
        var page = await SignedInPage();

        var tiny = page.Locator("#packs tbody tr[data-id='tiny']");
        await Expect(tiny).ToContainTextAsync("default");
        await Expect(tiny).ToContainTextAsync("50 steps, guidance 5, 128×128");
        await Expect(tiny).ToContainTextAsync("VAE pixels [-1, 1]");
        await Expect(tiny).ToContainTextAsync("Training data: none: generated, untrained weights");
        await Expect(tiny).ToContainTextAsync("Licence: PortraitBooth's own");
    }

    /// <summary>Opens /admin, is sent to the login page, signs in with the admin key and lands on the dashboard.</summary>
    [Fact]
    public async Task The_orleans_dashboard_renders_under_its_content_security_policy_without_a_violation()
    {
        var page = await SignedInPage();
        var violations = new List<string>();
        page.Console += (_, message) => { if (message.Text.Contains("Content Security Policy")) violations.Add(message.Text); };
        page.PageError += (_, error) => violations.Add("page error: " + error);

        var response = await page.GotoAsync("/admin/orleans/");
        Assert.Contains("style-src 'self' 'unsafe-inline'", (await response!.AllHeadersAsync())["content-security-policy"]);
        await Expect(page.Locator("#menu a").First).ToBeVisibleAsync(new() { Timeout = 60_000 }); // its script ran
        await page.WaitForTimeoutAsync(2_000); // its first polls and icon fonts
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    private async Task<IPage> SignedInPage()
    {
        var context = await chromium.NewContext(host.BaseAddress);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/admin");
        await Expect(page).ToHaveURLAsync(new Regex("/admin/login"));
        await page.Locator("#key").FillAsync(HostFixture.AdminKey);
        await page.Locator("#login button[type=submit]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin$"));
        await Expect(page.Locator("#updated")).ToContainTextAsync("updated");
        return page;
    }

    private static ILocator JobRow(IPage page, string jobId) => page.Locator($"#jobs tbody tr[data-id='{jobId}']");
    private static ILocator TenantRow(IPage page, string tenantId) => page.Locator($"#tenants tbody tr[data-id='{tenantId}']");
}
