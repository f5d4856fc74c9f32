using System.Diagnostics;
using System.Net;
using PortraitBooth.Testing;

namespace PortraitBooth.Api.Tests.Hostile;

/// <summary>
/// Decompression bombs at the sizes they were found at: a GIF of 20 frames of 4000x4000 (221 KB) and of 60 frames
/// (663 KB) took the host from 0.9 to 1.6 and 3.4 GB before their 422. Only the first frame is decoded now, and every
/// image buffer of one upload counts against <c>MaxUploadMemoryBytes</c>; the test measures the host's resident
/// memory while it answers and prints the figures.
/// </summary>
public sealed class UploadBombTests(HostFixture host) : IClassFixture<HostFixture>, IAsyncLifetime
{
    private const long MiB = 1024 * 1024;
    private string _key = "";

    public async ValueTask InitializeAsync() => (_, _key) = await host.NewTenant();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Theory]
    [InlineData(20)]
    [InlineData(60)]
    public async Task An_animated_gif_bomb_costs_one_frame_of_memory(int frames)
    {
        var gif = GifBomb.Create(4000, 4000, frames);
        using var client = host.Client(_key);
        await Upload(client, GifBomb.Create(64, 64, 2)); // the first upload's one-off costs (JIT, sessions) are not the bomb's

        var before = ResidentBytes(collect: true);
        using var sampling = new CancellationTokenSource();
        var peak = SamplePeak(sampling.Token);
        var clock = Stopwatch.StartNew();
        using var response = await Upload(client, gif);
        var elapsed = clock.Elapsed;
        await sampling.CancelAsync();
        var peakBytes = await peak;
        var after = ResidentBytes(collect: true);

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"GIF {frames} frames of 4000x4000, {gif.Length / 1024} KB: RSS before {before / MiB} MiB, peak {peakBytes / MiB} MiB " +
            $"(+{(peakBytes - before) / MiB} MiB), after {after / MiB} MiB; answered in {elapsed.TotalSeconds:F2} s");
        await Hostile.ExpectProblem(response, HttpStatusCode.UnprocessableEntity, "no face");
        // One 4000x4000 frame is 48 MB of RGB; the upload's budget is 320 MB. Before the fix: +700 MB for 20 frames.
        Assert.True(peakBytes - before < 320 * MiB, $"the upload raised the resident memory by {(peakBytes - before) / MiB} MiB");
        await Hostile.ExpectHealthy(host, _key);
    }

    [Fact]
    public async Task A_gif_frame_larger_than_its_screen_is_refused_before_decoding()
    {
        using var client = host.Client(_key);
        using var response = await Upload(client, GifBomb.Create(100, 100, frames: 1, frameWidth: 30000, frameHeight: 30000));
        await Hostile.ExpectProblem(response, HttpStatusCode.UnprocessableEntity, "first frame of 30000x30000", "40000000 pixels");
        await Hostile.ExpectHealthy(host, _key);
    }

    [Fact]
    public async Task A_gif_screen_over_the_pixel_limit_is_refused_from_its_header()
    {
        using var client = host.Client(_key);
        using var response = await Upload(client, GifBomb.Create(8000, 8000, frames: 3));
        await Hostile.ExpectProblem(response, HttpStatusCode.UnprocessableEntity, "8000x8000", "40000000 pixels");
        await Hostile.ExpectHealthy(host, _key);
    }

    private static Task<HttpResponseMessage> Upload(HttpClient client, byte[] gif) =>
        client.PostAsync("/v1/identities", ApiClient.Photo(gif, "bomb.gif", contentType: "image/gif"), TestContext.Current.CancellationToken);

    private static long ResidentBytes(bool collect = false)
    {
        if (collect)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    private static Task<long> SamplePeak(CancellationToken stop) => Task.Run(async () =>
    {
        var peak = ResidentBytes();
        while (!stop.IsCancellationRequested)
        {
            peak = Math.Max(peak, ResidentBytes());
            try { await Task.Delay(2, stop); } catch (OperationCanceledException) { }
        }
        return Math.Max(peak, ResidentBytes());
    });
}
