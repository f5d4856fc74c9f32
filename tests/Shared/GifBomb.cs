namespace PortraitBooth.Testing;

/// <summary>
/// Animated GIFs written byte by byte, as an attacker would: every frame the full logical screen of one colour, which
/// LZW packs into a few kilobytes however many pixels it covers (20 frames of 4000x4000 come to about 220 KB).
/// </summary>
public static class GifBomb
{
    /// <param name="frameWidth">The frames' size as their descriptors declare it; the logical screen's by default.</param>
    public static byte[] Create(int width, int height, int frames, int? frameWidth = null, int? frameHeight = null)
    {
        var (fw, fh) = (frameWidth ?? width, frameHeight ?? height);
        var pixels = Lzw.Uniform((long)fw * fh);
        using var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        Short(gif, width);
        Short(gif, height);
        gif.Write([0x80, 0, 0]);                      // a global table of 2 colours, background 0, square pixels
        gif.Write([0x80, 0x70, 0x60, 0xF0, 0xE0, 0xD0]);
        gif.Write([0x21, 0xFF, 11, .. "NETSCAPE2.0"u8, 3, 1, 0, 0, 0]); // loop forever: an animation
        for (var f = 0; f < frames; f++)
        {
            gif.Write([0x21, 0xF9, 4, 0x04, 10, 0, 0, 0]); // graphic control: keep the frame, 100 ms
            gif.WriteByte(0x2C);
            Short(gif, 0);
            Short(gif, 0);
            Short(gif, fw);
            Short(gif, fh);
            gif.WriteByte(0);
            gif.WriteByte(Lzw.MinCodeSize);
            for (var at = 0; at < pixels.Length; at += 255)
            {
                var block = Math.Min(255, pixels.Length - at);
                gif.WriteByte((byte)block);
                gif.Write(pixels, at, block);
            }
            gif.WriteByte(0);
        }
        gif.WriteByte(0x3B);
        return gif.ToArray();
    }

    private static void Short(Stream stream, int value)
    {
        stream.WriteByte((byte)value);
        stream.WriteByte((byte)(value >> 8));
    }

    /// <summary>GIF's variable-width LZW (codes LSB first, a clear code when the table is full) of colour index 0 repeated.</summary>
    private static class Lzw
    {
        public const byte MinCodeSize = 2;
        private const int Clear = 1 << MinCodeSize, End = Clear + 1, First = Clear + 2, MaxCode = 4096;

        public static byte[] Uniform(long count)
        {
            var output = new MemoryStream();
            var (bits, bitCount, codeSize) = (0L, 0, MinCodeSize + 1);
            void Emit(int code)
            {
                bits |= (long)code << bitCount;
                bitCount += codeSize;
                for (; bitCount >= 8; bitCount -= 8, bits >>= 8) output.WriteByte((byte)bits);
            }

            var next = new int[MaxCode]; // the code of (prefix, colour 0); 0 = not in the table
            var free = First;
            Emit(Clear);
            var prefix = 0;
            for (var i = 1L; i < count; i++)
            {
                if (next[prefix] != 0)
                {
                    prefix = next[prefix];
                    continue;
                }
                Emit(prefix);
                if (free < MaxCode)
                {
                    next[prefix] = free++;
                    if (free > 1 << codeSize && codeSize < 12) codeSize++;
                }
                else
                {
                    Emit(Clear);
                    Array.Clear(next);
                    (free, codeSize) = (First, MinCodeSize + 1);
                }
                prefix = 0;
            }
            Emit(prefix);
            Emit(End);
            if (bitCount > 0) output.WriteByte((byte)bits);
            return output.ToArray();
        }
    }
}
