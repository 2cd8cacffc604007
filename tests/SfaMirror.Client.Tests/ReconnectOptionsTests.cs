namespace SfaMirror.Client.Tests;

/// <summary>The back-off schedule: doubling, capped, with jitter between half and all of each wait.</summary>
public sealed class ReconnectOptionsTests
{
    [Fact]
    public void Delays_double_up_to_the_maximum_with_jitter()
    {
        var options = new ReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(1000) };
        var random = new Random(7);
        double[] ceilings = [100, 200, 400, 800, 1000, 1000, 1000];

        for (var attempt = 0; attempt < ceilings.Length; attempt++)
        {
            for (var i = 0; i < 50; i++)
            {
                var delay = options.DelayFor(attempt, random).TotalMilliseconds;
                Assert.InRange(delay, ceilings[attempt] / 2, ceilings[attempt]);
            }
        }
    }

    [Fact]
    public void Delays_are_spread_so_that_clients_do_not_come_back_together()
    {
        var options = new ReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(10) };
        var random = new Random(11);

        var delays = Enumerable.Range(0, 20).Select(_ => options.DelayFor(3, random)).Distinct().Count();

        Assert.True(delays > 10, $"only {delays} distinct delays out of 20");
    }
}
