using PortraitBooth.ModelBuilder.FaceApi;

namespace PortraitBooth.ModelBuilder.Tests.FaceApi;

public sealed class TfLayersTests
{
    [Theory]
    [InlineData(512, 3, 2, 0, 1)] // stride-2 'same' on an even size: the extra row/column goes at the bottom/right
    [InlineData(2, 3, 2, 0, 1)]
    [InlineData(32, 3, 1, 1, 1)]
    [InlineData(16, 1, 1, 0, 0)]
    [InlineData(5, 3, 2, 1, 1)]
    public void Same_padding_follows_tensorflow(int size, int kernel, int stride, int before, int after) =>
        Assert.Equal((before, after), TfLayers.SamePadding(size, kernel, stride));

    [Fact]
    public void Hwio_filters_become_oihw()
    {
        // kh=1, kw=2, in=2, out=3; each value is its own HWIO index.
        var hwio = Enumerable.Range(0, 12).Select(v => (float)v).ToArray();
        var oihw = TfLayers.HwioToOihw(hwio, 1, 2, 2, 3);
        // oihw[o,i,0,w] = hwio[0,w,i,o] = (w·2 + i)·3 + o
        for (var o = 0; o < 3; o++)
            for (var i = 0; i < 2; i++)
                for (var w = 0; w < 2; w++)
                    Assert.Equal((w * 2 + i) * 3 + o, oihw[(o * 2 + i) * 2 + w]);
    }
}
