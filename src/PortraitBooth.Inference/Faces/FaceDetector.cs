using Microsoft.ML.OnnxRuntime;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Faces;

/// <summary>
/// Finds faces with face-api's SSD MobileNet v1 converted to ONNX (detector.onnx): face-api's input preparation
/// (pad the square at the bottom/right, resize), the network, then face-api's non-max suppression and its mapping
/// of the boxes back to the photo. The input name and size and the anchor count come from the session's metadata.
/// </summary>
public sealed class FaceDetector
{
    private const string BoxesOutput = "boxes";
    private const string ScoresOutput = "scores";

    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly int _anchorCount;

    public FaceDetector(InferenceSession session)
    {
        _session = session;
        var (inputName, input) = session.InputMetadata.Single();
        if (input.Dimensions is not [1, 3, var height, var width] || height != width || height <= 0)
            throw new ArgumentException($"detector input '{inputName}' should be [1,3,S,S], is [{string.Join(",", input.Dimensions)}]");
        _inputName = inputName;
        InputSize = height;
        _anchorCount = session.OutputMetadata.TryGetValue(ScoresOutput, out var scores) && scores.Dimensions is [1, > 0 and var count]
            ? count
            : throw new ArgumentException($"detector has no '{ScoresOutput}' output of shape [1,N]");
    }

    /// <summary>Side of the square network input (512 for face-api's detector).</summary>
    public int InputSize { get; }

    /// <summary>Faces in <paramref name="image"/>, best first, with boxes in its pixels (clamped to the image).</summary>
    public IReadOnlyList<DetectedFace> Detect(Image<Rgb24> image, float minConfidence = 0.5f, float iouThreshold = 0.5f, int maxResults = 100)
    {
        var input = FaceApiInput.Prepare(image, InputSize, centred: false);
        return Detect(input.Tensor, image.Width, image.Height, minConfidence, iouThreshold, maxResults);
    }

    /// <summary>
    /// Faces in an already prepared input (planar RGB 0..255, [1,3,S,S]), treated as an S×S image: boxes are in
    /// pixels of the tensor, as face-api's locateFaces reports for a square input tensor.
    /// </summary>
    public IReadOnlyList<DetectedFace> Detect(float[] inputTensor, float minConfidence = 0.5f, float iouThreshold = 0.5f, int maxResults = 100) =>
        Detect(inputTensor, InputSize, InputSize, minConfidence, iouThreshold, maxResults);

    /// <summary>The network's raw per-anchor boxes and scores for a prepared input, before non-max suppression.</summary>
    public DetectorPrediction Predict(float[] inputTensor)
    {
        if (inputTensor.Length != 3 * InputSize * InputSize)
            throw new ArgumentException($"the detector input holds {3 * InputSize * InputSize} values, got {inputTensor.Length}");
        var boxes = new float[_anchorCount * 4];
        var scores = new float[_anchorCount];
        using var input = OrtValue.CreateTensorValueFromMemory(inputTensor, [1, 3, InputSize, InputSize]);
        using var boxesValue = OrtValue.CreateTensorValueFromMemory(boxes, [1, _anchorCount, 4]);
        using var scoresValue = OrtValue.CreateTensorValueFromMemory(scores, [1, _anchorCount]);
        using var options = new RunOptions();
        _session.Run(options, [_inputName], [input], [BoxesOutput, ScoresOutput], [boxesValue, scoresValue]);
        return new DetectorPrediction(boxes, scores);
    }

    private IReadOnlyList<DetectedFace> Detect(float[] inputTensor, int width, int height,
        float minConfidence, float iouThreshold, int maxResults)
    {
        var prediction = Predict(inputTensor);
        var kept = NonMaxSuppression.Select(prediction.Boxes, prediction.Scores, minConfidence, iouThreshold, maxResults);
        var toImage = new DetectionToImage(InputSize, width, height);
        return kept.Select(i => new DetectedFace(toImage.Map(prediction.Boxes.AsSpan(4 * i, 4)), prediction.Scores[i])).ToList();
    }
}
