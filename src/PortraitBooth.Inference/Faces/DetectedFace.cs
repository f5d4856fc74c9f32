using SixLabors.ImageSharp;

namespace PortraitBooth.Inference.Faces;

/// <summary>A detected face: its box in pixels of the image given to the detector, and the detector's confidence.</summary>
public sealed record DetectedFace(RectangleF Box, float Score);
