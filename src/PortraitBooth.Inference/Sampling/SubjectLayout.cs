namespace PortraitBooth.Inference.Sampling;

/// <summary>Where each subject of a multi-subject request goes, and the checks on boxes a caller passes.</summary>
public static class SubjectLayout
{
    // Two subjects: each box 45% of the width (90% of its half) and 80% of the height, centred in its column.
    private const double ColumnShare = 0.9, HeightShare = 0.8;

    /// <summary>The boxes to sample with, in identity-token order; null means single-subject sampling.</summary>
    public static IReadOnlyList<SubjectBox>? Regions(GenerationRequest request) =>
        request.Boxes ?? (request.Faces.Count >= 2 ? DefaultBoxes(request.Faces.Count, request.Width, request.Height) : null);

    /// <summary><paramref name="count"/> boxes in as many equal columns, left to right, each centred with a margin.</summary>
    public static IReadOnlyList<SubjectBox> DefaultBoxes(int count, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var column = (double)width / count;
        var (boxWidth, boxHeight) = ((int)Math.Round(column * ColumnShare), (int)Math.Round(height * HeightShare));
        var top = (height - boxHeight) / 2;
        return Enumerable.Range(0, count)
            .Select(k => new SubjectBox((int)Math.Round(column * k + (column - boxWidth) / 2), top, boxWidth, boxHeight))
            .ToList();
    }

    internal static void Check(GenerationRequest request, int vaeScale, int maxSubjects)
    {
        var faces = request.Faces.Count;
        if (faces > maxSubjects)
            throw new InvalidRequestException($"faces: at most {maxSubjects} subjects per image, got {faces}");
        if (request.Boxes is not { } boxes) return;
        if (boxes.Count != faces)
            throw new InvalidRequestException(
                $"boxes: {boxes.Count} given for {faces} face(s); give one box per face, in the order of the prompt's identity words");
        for (var k = 0; k < boxes.Count; k++)
        {
            var box = boxes[k];
            // A box of at least one latent pixel each way covers at least one latent pixel centre, so no mask is empty.
            if (box.Width < vaeScale || box.Height < vaeScale)
                throw new InvalidRequestException($"boxes[{k}] ({box}) is empty: width and height must be at least {vaeScale} px for this pack");
            // In long: x = 2147483600 with width 100 wraps around in int and would pass.
            if (box.X < 0 || box.Y < 0 || (long)box.X + box.Width > request.Width || (long)box.Y + box.Height > request.Height)
                throw new InvalidRequestException($"boxes[{k}] ({box}) lies outside the {request.Width}x{request.Height} canvas");
            for (var other = 0; other < k; other++)
                if (Overlap(boxes[other], box))
                    throw new InvalidRequestException($"boxes[{other}] ({boxes[other]}) and boxes[{k}] ({box}) overlap");
        }
    }

    private static bool Overlap(SubjectBox a, SubjectBox b) =>
        a.X < b.X + b.Width && b.X < a.X + a.Width && a.Y < b.Y + b.Height && b.Y < a.Y + a.Height;
}
