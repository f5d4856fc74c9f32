using System.Net;
using System.Net.Http.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Api.Tests;

public sealed class InputValidationTests(HostFixture host) : TenantWithIdentity(host), IClassFixture<HostFixture>
{
    public static TheoryData<string, string, string> BadGenerations => new()
    {
        // name, JSON body ("IDN" is replaced by a real identity of the tenant), a word the message must contain
        { "empty prompt", """{"prompt":"","identities":["IDN"]}""", "prompt" },
        { "prompt too long", "{\"prompt\":\"" + string.Concat(Enumerable.Repeat("a man ", 80)) + "\"}", "token" },
        { "identity count mismatch", """{"prompt":"a photo of a mountain","identities":["IDN"]}""", "identity" },
        { "two identities one word", """{"prompt":"a photo of a man","identities":["IDN","IDN"]}""", "identity" },
        { "steps too low", """{"prompt":"a photo of a man","identities":["IDN"],"steps":0}""", "steps" },
        { "steps too high", """{"prompt":"a photo of a man","identities":["IDN"],"steps":151}""", "steps" },
        { "guidance too high", """{"prompt":"a photo of a man","identities":["IDN"],"guidance":31}""", "guidance" },
        { "width not a multiple", """{"prompt":"a photo of a man","identities":["IDN"],"width":65}""", "width" },
        { "height too large", """{"prompt":"a photo of a man","identities":["IDN"],"height":100000}""", "height" },
        { "count too high", """{"prompt":"a photo of a man","identities":["IDN"],"count":5}""", "count" },
        { "unknown pack", """{"pack":"nosuch","prompt":"a photo of a man","identities":["IDN"]}""", "pack" },
        { "unknown identity", """{"prompt":"a photo of a man","identities":["idn_nosuch"]}""", "idn_nosuch" },
        { "malformed json", """{"prompt":""", "" },
        { "boxes count mismatch", """{"prompt":"a man and a woman","identities":["IDN","IDN"],"boxes":[{"x":0,"y":0,"width":32,"height":32}]}""", "box" },
        { "overlapping boxes", """{"prompt":"a man and a woman","identities":["IDN","IDN"],"boxes":[{"x":0,"y":0,"width":80,"height":64},{"x":64,"y":0,"width":64,"height":64}]}""", "overlap" },
        { "box outside the canvas", """{"prompt":"a man","identities":["IDN"],"boxes":[{"x":96,"y":0,"width":64,"height":64}]}""", "box" },
        { "too many subjects", """{"prompt":"a man, a man, a man, a man and a man","identities":["IDN","IDN","IDN","IDN","IDN"]}""", "subject" },
        { "unknown expression", """{"prompt":"a man","identities":["IDN"],"expressions":["sleepy"]}""", "sleepy" },
        { "expressions count mismatch", """{"prompt":"a man and a woman","identities":["IDN","IDN"],"expressions":["happy"]}""", "expressions" },
    };

    [Theory]
    [MemberData(nameof(BadGenerations))]
    public async Task Bad_generation_requests_answer_400_with_problem_details(string name, string body, string mentions)
    {
        using var client = Host.Client(Key);
        using var content = new StringContent(body.Replace("IDN", Identity), System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/v1/generations", content, TestContext.Current.CancellationToken);
        var detail = await ApiClient.ExpectProblem(response, HttpStatusCode.BadRequest);
        Assert.True(detail.Contains(mentions, StringComparison.OrdinalIgnoreCase), $"{name}: '{detail}' does not mention '{mentions}'");
    }

    [Fact]
    public async Task Non_image_upload_answers_422()
    {
        using var client = Host.Client(Key);
        using var response = await client.PostAsync("/v1/identities", ApiClient.Photo("not an image at all"u8.ToArray(), "a.jpg"), TestContext.Current.CancellationToken);
        Assert.Contains("not an image", await ApiClient.ExpectProblem(response, HttpStatusCode.UnprocessableEntity));
    }

    [Fact]
    public async Task Photo_without_a_face_answers_422()
    {
        using var image = new Image<Rgb24>(320, 240);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++) row[x] = new Rgb24((byte)x, (byte)y, 128);
            }
        });
        using var png = new MemoryStream();
        image.SaveAsPng(png);
        using var client = Host.Client(Key);
        using var response = await client.PostAsync("/v1/identities", ApiClient.Photo(png.ToArray(), "gradient.png", contentType: "image/png"), TestContext.Current.CancellationToken);
        Assert.Contains("no face", await ApiClient.ExpectProblem(response, HttpStatusCode.UnprocessableEntity));
    }

    [Fact]
    public async Task Oversize_upload_answers_413()
    {
        using var client = Host.Client(Key);
        var bytes = new byte[10 * 1024 * 1024 + 1];
        bytes[0] = 0xFF; bytes[1] = 0xD8;
        using var response = await client.PostAsync("/v1/identities", ApiClient.Photo(bytes), TestContext.Current.CancellationToken);
        await ApiClient.ExpectProblem(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Upload_without_a_photo_field_answers_400()
    {
        using var client = Host.Client(Key);
        using var form = new MultipartFormDataContent { { new StringContent("George"), "name" } };
        using var response = await client.PostAsync("/v1/identities", form, TestContext.Current.CancellationToken);
        Assert.Contains("photo", await ApiClient.ExpectProblem(response, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Bad_paging_and_unknown_routes_answer_problem_details()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = Host.Client(Key);
        await ApiClient.ExpectProblem(await client.GetAsync("/v1/identities?limit=1000", ct), HttpStatusCode.BadRequest);
        await ApiClient.ExpectProblem(await client.GetAsync("/v1/generations/gen_nosuch", ct), HttpStatusCode.NotFound);
        await ApiClient.ExpectProblem(await client.GetAsync("/v1/nosuch", ct), HttpStatusCode.NotFound);
        using var admin = Host.Admin();
        using var badTenant = await admin.PostAsJsonAsync("/v1/admin/tenants", new { id = "Bad Id!" }, ct);
        await ApiClient.ExpectProblem(badTenant, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_error_queue_listing_answers_501_in_embedded_mode()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = Host.Admin();
        var detail = await ApiClient.ExpectProblem(await admin.GetAsync("/v1/admin/error-queue", ct), HttpStatusCode.NotImplemented);
        Assert.Contains("distributed mode", detail);
        await ApiClient.ExpectProblem(await admin.GetAsync("/v1/admin/error-queue?limit=0", ct), HttpStatusCode.BadRequest);
    }
}
