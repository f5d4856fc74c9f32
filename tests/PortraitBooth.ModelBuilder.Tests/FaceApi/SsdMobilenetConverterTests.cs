using PortraitBooth.ModelBuilder.FaceApi;

namespace PortraitBooth.ModelBuilder.Tests.FaceApi;

public sealed class SsdMobilenetConverterTests
{
    [Fact]
    public void Conversion_is_deterministic()
    {
        var weights = TfjsWeightMap.Load(Path.Combine(PortraitBooth.Testing.FaceApiReference.ModelDirectory, "ssd_mobilenetv1_model-weights_manifest.json"));
        Assert.Equal(SsdMobilenetConverter.Build(weights), SsdMobilenetConverter.Build(weights));
    }
}
