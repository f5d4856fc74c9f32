namespace PortraitBooth.ModelBuilder.FaceApi;

/// <summary>
/// An NCHW value of a graph with its (square) spatial side, which TensorFlow's 'same' padding depends on:
/// the inputs are fixed in size, so every pad can be computed when the graph is built.
/// </summary>
internal readonly record struct SquareFeatureMap(string Value, int Side);
