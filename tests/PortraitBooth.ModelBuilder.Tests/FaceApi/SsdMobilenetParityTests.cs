using PortraitBooth.Inference.Faces;
using SixLabors.ImageSharp;

namespace PortraitBooth.ModelBuilder.Tests.FaceApi;

/// <summary>
/// The converted detector against face-api's own TF.js detector (Node, wasm backend) on the same prepared tensors:
/// the same faces, boxes with IoU ≥ 0.95 and scores within 1e-3; also the raw per-anchor outputs, face-api's own
/// preparation of the photo and its boxes in photo pixels.
/// </summary>
public sealed class SsdMobilenetParityTests
{
    private const double MinIou = 0.95;
    private const float MaxScoreError = 1e-3f;

    public static TheoryData<string> Photos => [.. DetectorParityRun.PhotoNames];

    public static TheoryData<string> PhotoPathPhotos => ["sample1", "george_clooney/1", "scarlett_johansson/3", "angelina_jolie/4"];

    [Theory]
    [MemberData(nameof(Photos))]
    public void Detections_match_face_api_on_the_same_input(string photo)
    {
        var result = Run(photo);
        var (worstIou, worstScore) = AssertSameFaces(result.OnnxDetections, result.JsDetections);
        Log($"{photo}: {result.JsDetections.Count} faces (face-api) / {result.OnnxDetections.Count} (ONNX); worst IoU {worstIou:F7}, " +
            $"worst score error {worstScore:E2}; ONNX {result.OnnxMs:F0} ms, face-api (wasm) {DetectorParityRun.Shared.JsMsPerDetection:F0} ms per photo on average");
    }

    [Theory]
    [MemberData(nameof(Photos))]
    public void Raw_anchor_outputs_match_face_api(string photo)
    {
        var result = Run(photo);
        var (onnx, js) = (result.OnnxRaw, result.JsRaw);
        Assert.Equal(js.Count, onnx.Count);
        var worstScore = onnx.Scores.Zip(js.Scores, (a, b) => MathF.Abs(a - b)).Max();
        // Boxes of anchors nobody would keep are irrelevant; compare those that score at least 0.1 in face-api.
        var confident = Enumerable.Range(0, js.Count).Where(i => js.Scores[i] >= 0.1f).ToList();
        var worstBox = confident.SelectMany(i => Enumerable.Range(4 * i, 4)).Select(k => MathF.Abs(onnx.Boxes[k] - js.Boxes[k])).DefaultIfEmpty(0).Max();
        Log($"{photo}: all {js.Count} anchors: worst score error {worstScore:E2}; {confident.Count} anchors scoring ≥ 0.1: worst box coordinate error {worstBox:E2} (unit square)");
        Assert.True(worstScore <= MaxScoreError, $"worst score error {worstScore}");
        Assert.True(worstBox <= 2e-3f, $"worst box coordinate error {worstBox}");
    }

    [Theory]
    [MemberData(nameof(PhotoPathPhotos))]
    public void Preparation_matches_face_api_toBatchTensor(string photo)
    {
        var result = Run(photo);
        var nhwc = result.JsPreparedNhwc!;
        var nchw = result.PreparedTensor;
        var plane = nchw.Length / 3;
        var worst = Enumerable.Range(0, plane).SelectMany(p => Enumerable.Range(0, 3).Select(c => MathF.Abs(nchw[c * plane + p] - nhwc[p * 3 + c]))).Max();
        Log($"{photo}: FaceApiInput.Prepare vs face-api toBatchTensor(512, bottom/right padding): worst difference {worst:E2} (0..255 scale)");
        Assert.True(worst <= 1e-2f, $"worst difference {worst}");
    }

    [Theory]
    [MemberData(nameof(PhotoPathPhotos))]
    public void Photo_detections_match_face_api_locateFaces(string photo)
    {
        var result = Run(photo);
        var (worstIou, worstScore) = AssertSameFaces(result.OnnxPhotoDetections!, result.JsPhotoDetections!);
        Log($"{photo}: {result.JsPhotoDetections!.Count} faces in photo pixels; worst IoU {worstIou:F7}, worst score error {worstScore:E2}");
    }

    [Fact]
    public void Reports_the_model_size_and_the_worst_case_over_all_photos()
    {
        var run = DetectorParityRun.Shared;
        var ious = new List<double>();
        var scores = new List<float>();
        foreach (var result in run.Results.Values)
        {
            var (iou, score) = AssertSameFaces(result.OnnxDetections, result.JsDetections);
            ious.Add(iou);
            scores.Add(score);
        }
        Log($"detector.onnx {run.OnnxBytes:N0} bytes; {run.Results.Count} photos, {run.Results.Values.Sum(r => r.JsDetections.Count)} faces; " +
            $"worst IoU {ious.Min():F7}, worst score error {scores.Max():E2}; ONNX {run.Results.Values.Average(r => r.OnnxMs):F0} ms vs " +
            $"face-api (wasm) {run.JsMsPerDetection:F0} ms per photo");
        Assert.InRange(run.OnnxBytes, 5_000_000, 30_000_000);
    }

    private static DetectorPhotoResult Run(string photo)
    {
        _ = DetectorParityRun.RequirePhoto(photo);
        return DetectorParityRun.Shared.Results[photo];
    }

    /// <summary>Pairs each face-api face with the ONNX face it overlaps most; returns the worst IoU and score error.</summary>
    private static (double WorstIou, float WorstScoreError) AssertSameFaces(IReadOnlyList<DetectedFace> onnx, IReadOnlyList<JsDetection> js)
    {
        Assert.Equal(js.Count, onnx.Count);
        var unmatched = onnx.ToList();
        var (worstIou, worstScore) = (1.0, 0f);
        foreach (var face in js)
        {
            var best = unmatched.MaxBy(o => Iou(o.Box, face.Box))!;
            unmatched.Remove(best);
            var (iou, scoreError) = (Iou(best.Box, face.Box), MathF.Abs(best.Score - face.Score));
            Assert.True(iou >= MinIou, $"face-api box {face.Box} (score {face.Score}) best matches {best.Box} with IoU {iou}");
            Assert.True(scoreError <= MaxScoreError, $"face-api score {face.Score} vs ONNX {best.Score}");
            (worstIou, worstScore) = (Math.Min(worstIou, iou), MathF.Max(worstScore, scoreError));
        }
        return (worstIou, worstScore);
    }

    private static double Iou(RectangleF a, RectangleF b)
    {
        var intersection = RectangleF.Intersect(a, b);
        var overlap = (double)intersection.Width * intersection.Height;
        var union = (double)a.Width * a.Height + (double)b.Width * b.Height - overlap;
        return union <= 0 ? 0 : overlap / union;
    }

    private static void Log(string message) => TestContext.Current.TestOutputHelper?.WriteLine(message);
}
