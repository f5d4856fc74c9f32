namespace PortraitBooth.Inference.Faces;

/// <summary>
/// The detector network's raw output for every anchor, before non-max suppression: <see cref="Boxes"/> holds
/// [top,left,bottom,right] per anchor in [0,1] of the padded square input (unclamped), <see cref="Scores"/> one
/// confidence per anchor.
/// </summary>
public sealed record DetectorPrediction(float[] Boxes, float[] Scores)
{
    public int Count => Scores.Length;
}
