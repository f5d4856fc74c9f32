using PortraitBooth.Inference.Faces;

namespace PortraitBooth.ModelBuilder.Tests.FaceApi;

public sealed class NonMaxSuppressionTests
{
    // [top,left,bottom,right] per box.
    private static readonly float[] Boxes =
    [
        0.10f, 0.10f, 0.30f, 0.30f, // 0: a face
        0.11f, 0.11f, 0.31f, 0.31f, // 1: nearly the same box (IoU ≈ 0.82 with 0), weaker
        0.60f, 0.60f, 0.80f, 0.80f, // 2: another face
        0.10f, 0.20f, 0.30f, 0.40f, // 3: overlaps 0 by half its width (IoU = 1/3), kept
        0.50f, 0.50f, 0.70f, 0.70f, // 4: below the score threshold
        0.80f, 0.80f, 0.60f, 0.60f, // 5: box 2 with swapped corners (face-api normalises them), weaker: suppressed
    ];

    private static readonly float[] Scores = [0.90f, 0.85f, 0.95f, 0.70f, 0.40f, 0.60f];

    [Fact]
    public void Keeps_the_best_of_overlapping_boxes_best_first()
    {
        var kept = NonMaxSuppression.Select(Boxes, Scores, scoreThreshold: 0.5f, iouThreshold: 0.5f, maxResults: 100);
        Assert.Equal([2, 0, 3], kept);
    }

    [Fact]
    public void Stops_at_max_results()
    {
        Assert.Equal([2, 0], NonMaxSuppression.Select(Boxes, Scores, 0.5f, 0.5f, maxResults: 2));
    }

    [Fact]
    public void Score_threshold_is_strict_and_only_iou_above_the_threshold_suppresses()
    {
        // Box 3 has IoU 1/3 with box 0: kept just above that threshold, suppressed below it.
        Assert.Contains(3, NonMaxSuppression.Select(Boxes, Scores, 0.5f, 1f / 3f + 1e-6f, 100));
        Assert.DoesNotContain(3, NonMaxSuppression.Select(Boxes, Scores, 0.5f, 0.3f, 100));
        // A score equal to the threshold is not a candidate.
        Assert.DoesNotContain(3, NonMaxSuppression.Select(Boxes, Scores, 0.70f, 0.5f, 100));
    }

    [Fact]
    public void Iou_of_disjoint_and_empty_boxes_is_zero()
    {
        Assert.Equal(0, NonMaxSuppression.IntersectionOverUnion(Boxes, 0, 2));
        float[] withEmpty = [0.1f, 0.1f, 0.1f, 0.3f, 0.1f, 0.1f, 0.3f, 0.3f];
        Assert.Equal(0, NonMaxSuppression.IntersectionOverUnion(withEmpty, 0, 1));
        Assert.Equal(1.0, NonMaxSuppression.IntersectionOverUnion(Boxes, 2, 5), 12);
    }
}
