using PortraitBooth.Testing;

namespace PortraitBooth.ModelBuilder.Tests.Parity;

/// <summary>The trainer's Python (Debian's, with torch and onnx) run from the repo root; fails in CI, skips elsewhere, when missing.</summary>
internal static class TrainerPython
{
    private const string Python = "/usr/bin/python3";

    public static void Require(string module)
    {
        if (!File.Exists(Python)) Prerequisites.Missing($"{Python} is missing (Debian's python3 with python3-torch and python3-onnx)");
        var script = Path.Combine(SharedData.RepoRoot, "training", module + ".py");
        if (!File.Exists(script)) Prerequisites.Missing($"{script} is missing: the trainer is not in this checkout");
        var (exitCode, _, stderr) = Run(["-c", "import torch, onnx"]);
        if (exitCode != 0) Prerequisites.Missing($"{Python} cannot import torch and onnx (install python3-torch python3-onnx): {stderr.Trim()}");
    }

    public static ChildProcessResult Run(string[] args) =>
        // PYTHONDONTWRITEBYTECODE: no __pycache__ left in the checkout.
        ChildProcess.Run(Python, args, SharedData.RepoRoot, TimeSpan.FromMinutes(10), new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1" });
}
