using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace PortraitBooth.Inference.Faces;

/// <summary>
/// The faces the detector found in a photo and the image its boxes refer to. face-api's SSD misses a face that fills
/// the frame — a tight portrait, such as the 128-px crops of the training dataset (13 of 60 validation crops) and the
/// portraits the packs draw — so when the photo alone yields no face, the search runs again on the photo centred on
/// a black canvas twice its side (black, as face-api pads to a square), where those crops are found (60 of 60).
/// Landmarks, alignment and descriptors of such a face are computed on the canvas; <see cref="ToPhoto"/> maps
/// results back to the photo's pixels.
/// </summary>
public sealed class FaceSearch : IDisposable
{
    /// <summary>The longest photo side searched again on a canvas.</summary>
    public const int MaxCanvasPhotoSide = 1024;

    private readonly Image<Rgb24>? _canvas;

    private FaceSearch(Image<Rgb24> photo, Image<Rgb24>? canvas, Point offset, IReadOnlyList<DetectedFace> detections)
    {
        (Photo, _canvas, Offset, Detections) = (photo, canvas, offset, detections);
    }

    public Image<Rgb24> Photo { get; }

    /// <summary>The image the <see cref="Detections"/> refer to: the photo, or the canvas holding it.</summary>
    public Image<Rgb24> Image => _canvas ?? Photo;

    /// <summary>Where the photo's top-left pixel lies in <see cref="Image"/>.</summary>
    public Point Offset { get; }

    public IReadOnlyList<DetectedFace> Detections { get; }

    public bool OnCanvas => _canvas is not null;

    public static FaceSearch Run(FaceDetector detector, Image<Rgb24> photo)
    {
        var found = detector.Detect(photo);
        // The canvas costs 4× the photo's pixels: only photos up to MaxCanvasPhotoSide get one (a canvas of at most
        // 2048², 12 MB), so a large faceless upload cannot make it allocate hundreds of MB.
        if (found.Count > 0 || Math.Max(photo.Width, photo.Height) > MaxCanvasPhotoSide) return new FaceSearch(photo, null, Point.Empty, found);
        var side = 2 * Math.Max(photo.Width, photo.Height);
        var offset = new Point((side - photo.Width) / 2, (side - photo.Height) / 2);
        var canvas = new Image<Rgb24>(side, side, new Rgb24(0, 0, 0));
        canvas.Mutate(c => c.DrawImage(photo, offset, 1f));
        return new FaceSearch(photo, canvas, offset, detector.Detect(canvas));
    }

    public PointF ToPhoto(PointF point) => new(point.X - Offset.X, point.Y - Offset.Y);

    /// <summary>A box in <see cref="Image"/> as photo pixels, clipped to the photo (the detector's own box when found in the photo).</summary>
    public RectangleF ToPhoto(RectangleF box) => !OnCanvas ? box :
        RectangleF.Intersect(new RectangleF(box.X - Offset.X, box.Y - Offset.Y, box.Width, box.Height), new RectangleF(0, 0, Photo.Width, Photo.Height));

    public AnalyzedFace ToPhoto(AnalyzedFace face) =>
        OnCanvas ? face with { Box = ToPhoto(face.Box), Landmarks = face.Landmarks.Select(ToPhoto).ToArray() } : face;

    public void Dispose() => _canvas?.Dispose();
}
