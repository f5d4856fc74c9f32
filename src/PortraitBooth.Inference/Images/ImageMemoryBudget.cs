using System.Buffers;
using System.Runtime.CompilerServices;
using SixLabors.ImageSharp.Memory;

namespace PortraitBooth.Inference.Images;

/// <summary>Raised inside a decoder when one image's buffers would exceed its <see cref="ImageMemoryBudget"/>.</summary>
public sealed class ImageMemoryBudgetExceededException(long budgetBytes)
    : InvalidMemoryOperationException($"decoding would need more than {budgetBytes / (1024 * 1024)} MB of image buffers")
{
    public long BudgetBytes { get; } = budgetBytes;
}

/// <summary>
/// An ImageSharp allocator for one untrusted image: it counts the bytes of the buffers alive at once (decoder working
/// buffers, frames, and later processing of the same image) and refuses any allocation that would pass the budget, so
/// no header, frame descriptor or decoder path can make one upload take more memory than that. Buffers are plain
/// managed arrays, not pooled, so what an image used goes back to the GC with it. <see cref="Peak"/> is the most that
/// was alive at once.
/// </summary>
public sealed class ImageMemoryBudget(long budgetBytes) : MemoryAllocator
{
    private readonly SimpleGcMemoryAllocator _arrays = new();
    private long _live, _peak;

    public long BudgetBytes { get; } = budgetBytes;
    public long Peak => Interlocked.Read(ref _peak);

    protected override int GetBufferCapacityInBytes() => int.MaxValue;

    public override IMemoryOwner<T> Allocate<T>(int length, AllocationOptions options = AllocationOptions.None)
    {
        var bytes = (long)length * Unsafe.SizeOf<T>();
        var live = Interlocked.Add(ref _live, bytes);
        if (live > BudgetBytes)
        {
            Interlocked.Add(ref _live, -bytes);
            throw new ImageMemoryBudgetExceededException(BudgetBytes);
        }
        for (var peak = Peak; live > peak && Interlocked.CompareExchange(ref _peak, live, peak) != peak; peak = Peak) { }
        return new Counted<T>(_arrays.Allocate<T>(length, options), this, bytes);
    }

    private sealed class Counted<T>(IMemoryOwner<T> inner, ImageMemoryBudget budget, long bytes) : IMemoryOwner<T>
    {
        private int _disposed;

        public Memory<T> Memory => inner.Memory;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            inner.Dispose();
            Interlocked.Add(ref budget._live, -bytes);
        }
    }
}
