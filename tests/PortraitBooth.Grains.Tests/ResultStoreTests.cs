using PortraitBooth.Abstractions.Storage;
using PortraitBooth.Worker.Storage;

namespace PortraitBooth.Grains.Tests;

public sealed class ResultStoreTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task Results_expire_and_the_oldest_are_evicted_past_the_byte_bound()
    {
        var clock = new ManualClock();
        var store = new MemoryResultStore(maxBytes: 10, clock);
        await store.Put("t/j/0", new byte[4], TimeSpan.FromMinutes(1));
        await store.Put("t/j/1", new byte[4], TimeSpan.FromMinutes(5));
        await store.Put("t/j/2", new byte[4], TimeSpan.FromMinutes(5)); // 12 bytes > 10: the oldest goes
        Assert.Null(await store.Get("t/j/0"));
        Assert.NotNull(await store.Get("t/j/1"));
        Assert.Equal(8, store.TotalBytes);

        clock.Now += TimeSpan.FromMinutes(6);
        Assert.Null(await store.Get("t/j/1"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.Put("t/../x", [1], TimeSpan.FromMinutes(1)));
    }
}
