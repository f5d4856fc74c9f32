using Microsoft.ML.OnnxRuntime;
using PortraitBooth.Inference.Execution;

namespace PortraitBooth.Inference.Faces;

/// <summary>
/// What the landmark, recognition and expression runners share: one square-image ONNX network, either borrowed
/// (a session someone else disposes, as the tests do) or owned (opened from a path and disposed here).
/// </summary>
public abstract class FaceImageNetwork : IDisposable
{
    /// <summary>Uses <paramref name="session"/> without taking ownership of it.</summary>
    private protected FaceImageNetwork(InferenceSession session) => Model = new SquareImageSession(session, ownsSession: false);

    private protected FaceImageNetwork(string modelPath) => Model = new SquareImageSession(ExecutionPlan.Cpu.OpenSession(modelPath), ownsSession: true);

    /// <summary>The side S of the network's [B,3,S,S] input.</summary>
    public int InputSize => Model.Side;

    private protected SquareImageSession Model { get; }

    public void Dispose()
    {
        Model.Dispose();
        GC.SuppressFinalize(this);
    }
}
