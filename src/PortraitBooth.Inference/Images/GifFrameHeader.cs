namespace PortraitBooth.Inference.Images;

/// <summary>
/// The size the first frame of a GIF declares in its image descriptor, read by walking the blocks without decoding.
/// ImageSharp's Identify reports the logical screen, but its decoder runs the LZW data of a whole frame even when the
/// frame is far larger than the screen (a 30000x30000 frame in a 100x100 GIF decodes for seconds), so the frame that
/// will be decoded is checked against the limits too.
/// </summary>
internal static class GifFrameHeader
{
    /// <summary>Width and height of the first image descriptor; null when the data ends or breaks before one (the decoder then refuses it).</summary>
    public static (int Width, int Height)? FirstFrame(ReadOnlySpan<byte> gif)
    {
        const int Header = 6, ScreenDescriptor = 7;
        if (gif.Length < Header + ScreenDescriptor) return null;
        var at = Header + ScreenDescriptor;
        at += ColorTableLength(gif[Header + 4]);
        while (at < gif.Length)
        {
            switch (gif[at])
            {
                case 0x2C: // image descriptor: left, top, width, height (little-endian), packed
                    if (at + 10 > gif.Length) return null;
                    return (gif[at + 5] | gif[at + 6] << 8, gif[at + 7] | gif[at + 8] << 8);
                case 0x21: // extension: label, then data sub-blocks up to an empty one
                    at = SkipSubBlocks(gif, at + 2);
                    if (at < 0) return null;
                    break;
                default:
                    return null; // the trailer or garbage: no frame
            }
        }
        return null;
    }

    private static int ColorTableLength(byte packed) => (packed & 0x80) != 0 ? 3 << ((packed & 7) + 1) : 0;

    private static int SkipSubBlocks(ReadOnlySpan<byte> gif, int at)
    {
        while (at < gif.Length)
        {
            var size = gif[at];
            at += 1 + size;
            if (size == 0) return at;
        }
        return -1;
    }
}
