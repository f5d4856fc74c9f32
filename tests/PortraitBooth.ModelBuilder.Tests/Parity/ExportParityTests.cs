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
    private const string Python = "/usr/bin/python3";
    private static readonly string[] ExportedRoles = [PackModels.TextEncoder, PackModels.Unet, PackModels.Stea, PackModels.VaeDecoder, PackModels.VaeEncoder];

    [Fact]
    public void Exported_graphs_give_torchs_outputs_in_onnx_runtime_and_the_exported_packs_verify()
    {
        RequireTrainer();
        var taef2 = SharedData.Require("models", "taef2");
        var recognizer = Path.Combine(faceModels.Directory, "recognizer.onnx");
        var output = packs.NewFolder("export-check");

        var (exitCode, stdout, stderr) = RunPython(["-m", "training.export_check", "--out", output, "--face-encoder", recognizer, "--taef2", taef2]);
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

    private static void RequireTrainer()
    {
        if (!File.Exists(Python)) Prerequisites.Missing($"{Python} is missing (Debian's python3 with python3-torch and python3-onnx)");
        if (!File.Exists(Path.Combine(SharedData.RepoRoot, "training", "export_check.py")))
            Prerequisites.Missing("training/export_check.py is missing: the trainer is not in this checkout");
        var (exitCode, _, stderr) = RunPython(["-c", "import torch, onnx"]);
        if (exitCode != 0) Prerequisites.Missing($"{Python} cannot import torch and onnx (install python3-torch python3-onnx): {stderr.Trim()}");
    }

    private static ChildProcessResult RunPython(string[] args) =>
        // PYTHONDONTWRITEBYTECODE: no __pycache__ left in the checkout.
        ChildProcess.Run(Python, args, SharedData.RepoRoot, TimeSpan.FromMinutes(10), new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1" });
}
