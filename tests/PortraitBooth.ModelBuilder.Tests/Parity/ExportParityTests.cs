using PortraitBooth.Inference.Packs;
using PortraitBooth.ModelBuilder.Parity;
using PortraitBooth.Testing;

namespace PortraitBooth.ModelBuilder.Tests.Parity;

/// <summary>
/// Export parity (issue 14): the trainer's <c>training.export_check</c> exports a small random-initialised pack with
/// torch.onnx and saves what torch computed; every graph, run here in ONNX Runtime on the same inputs, must agree
/// within the tolerance parity/manifest.json gives it (1e-3 for float32 weights, looser for float16), and the
/// exported packs must pass <c>pack verify</c>'s checks. Needs /usr/bin/python3 with torch and onnx, the trainer
/// (training/), face-api's weights and ../shared/models/taef2: fails without them in CI, skips elsewhere.
/// </summary>
public sealed class ExportParityTests(GeneratedPacks packs, ConvertedFaceModels faceModels)
{
    private static readonly string[] ExportedRoles = [PackModels.TextEncoder, PackModels.Unet, PackModels.Stea, PackModels.VaeDecoder, PackModels.VaeEncoder];

    [Fact]
    public void Exported_graphs_give_torchs_outputs_in_onnx_runtime_and_the_exported_packs_verify()
    {
        TrainerPython.Require("export_check");
        var taef2 = SharedData.Require("models", "taef2");
        var recognizer = Path.Combine(faceModels.Directory, "recognizer.onnx");
        var output = packs.NewFolder("export-check");

        var (exitCode, stdout, stderr) = TrainerPython.Run(["-m", "training.export_check", "--out", output, "--face-encoder", recognizer, "--taef2", taef2]);
        Assert.True(exitCode == 0, $"training.export_check exited {exitCode}:\n{stdout}\n{stderr}");

        var results = ParityCheck.Run(ParityData.Read(Path.Combine(output, "parity")));
        foreach (var result in results) Report(result.ToString());
        Assert.All(results, r => Assert.True(r.Passed, r.ToString()));
        Assert.Equal(ExportedRoles.Order(), results.Where(r => r.Graph.Weights != "float16").Select(r => r.Graph.Role).Distinct().Order());

        foreach (var pack in new[] { "pack", "pack-fp16" }.Select(p => Path.Combine(output, p)).Where(Directory.Exists))
        {
            using var opened = ModelPack.Open(pack);
            var runs = PackSmokeRun.Run(opened);
            Assert.Equal(PackModels.All, runs.Select(r => r.Model));
            Assert.NotNull(opened.Manifest.Card);
            Report($"{Path.GetFileName(pack)}: '{opened.Manifest.Name}' verifies; defaults {opened.Manifest.SamplingDefaults}, pixel range {opened.Manifest.PixelRange}");
        }
    }

    private static void Report(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        Console.WriteLine(line);
    }
}
