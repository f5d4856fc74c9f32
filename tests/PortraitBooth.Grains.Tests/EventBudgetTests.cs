using PortraitBooth.Worker.Running;

namespace PortraitBooth.Grains.Tests;

public sealed class EventBudgetTests
{
    private sealed class SteppedClock : TimeProvider
    {
        public long Ticks { get; set; }
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Ticks;
    }

    [Fact]
    public void A_burst_goes_through_then_the_rate_and_a_forced_event_always()
    {
        var clock = new SteppedClock();
        var budget = new EventBudget(clock, perSecond: 10, burst: 3);

        Assert.Equal([true, true, true, false, false], Enumerable.Range(0, 5).Select(_ => budget.TryTake()));
        Assert.True(budget.TryTake(force: true));
        clock.Ticks += TimeSpan.FromMilliseconds(100).Ticks; // one event's worth at 10 per second
        Assert.Equal([true, false], Enumerable.Range(0, 2).Select(_ => budget.TryTake()));
        clock.Ticks += TimeSpan.FromSeconds(10).Ticks; // refills to the burst, no further
        Assert.Equal([true, true, true, false], Enumerable.Range(0, 4).Select(_ => budget.TryTake()));
    }

    [Fact]
    public void A_rate_of_zero_lets_every_event_through()
    {
        var budget = new EventBudget(new SteppedClock(), perSecond: 0, burst: 1);
        Assert.All(Enumerable.Range(0, 100), _ => Assert.True(budget.TryTake()));
    }
}
