using Microsoft.ML.OnnxRuntime;
using PortraitBooth.Inference.Execution;

namespace PortraitBooth.Inference.Packs;

/// <summary>
/// An opened, verified model pack: its manifest and one ONNX Runtime session per model, created once and reused.
/// Opening checks the file list and hashes, then every session's inputs and outputs against the manifest, and the
/// manifest's widths against the graphs' axes (<see cref="PackShapes"/>).
/// </summary>
public sealed class ModelPack : IDisposable
{
    private readonly Dictionary<string, InferenceSession> _sessions;

    private ModelPack(string directory, PackManifest manifest, Dictionary<string, InferenceSession> sessions)
    {
        Directory = directory;
        Manifest = manifest;
        _sessions = sessions;
    }

    public string Directory { get; }
    public PackManifest Manifest { get; }

    public InferenceSession Session(string model) =>
        _sessions.TryGetValue(model, out var session)
            ? session
            : throw new PackException($"pack '{Manifest.Name}' has no model '{model}'");

    public ModelSpec Spec(string model) => Manifest.Models[model];

    public string PathOf(string relativePath) => System.IO.Path.Combine(Directory, relativePath.Replace('/', System.IO.Path.DirectorySeparatorChar));

    /// <param name="execution">Where the sessions run (default: <see cref="ExecutionPlan.Cpu"/>).</param>
    public static ModelPack Open(string directory, ExecutionPlan? execution = null)
    {
        directory = System.IO.Path.GetFullPath(directory);
        var manifest = ReadManifest(directory);
        PackFiles.Verify(directory, manifest);

        var sessions = new Dictionary<string, InferenceSession>();
        try
        {
            foreach (var (model, spec) in manifest.Models)
            {
                var session = CreateSession(directory, spec, execution ?? ExecutionPlan.Cpu);
                sessions[model] = session;
                PackContract.CheckSession(spec, session);
            }
            PackShapes.CheckAxes(manifest, model => sessions[model]);
            return new ModelPack(directory, manifest, sessions);
        }
        catch
        {
            foreach (var session in sessions.Values) session.Dispose();
            throw;
        }
    }

    public static PackManifest ReadManifest(string directory)
    {
        var path = System.IO.Path.Combine(directory, PackManifest.FileName);
        if (!File.Exists(path))
            throw new PackException($"{path} is missing: '{directory}' is not a model pack");
        PackManifest manifest;
        try
        {
            manifest = PackManifest.Parse(File.ReadAllText(path));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new PackException($"{path} is not a valid pack manifest: {e.Message}", e);
        }
        PackContract.CheckManifest(manifest);
        return manifest;
    }

    private static InferenceSession CreateSession(string directory, ModelSpec spec, ExecutionPlan execution)
    {
        var file = System.IO.Path.Combine(directory, spec.Path);
        try
        {
            return execution.OpenSession(file);
        }
        catch (OnnxRuntimeException e)
        {
            throw new PackException($"{spec.Path}: ONNX Runtime cannot load it: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        foreach (var session in _sessions.Values) session.Dispose();
        _sessions.Clear();
    }
}
