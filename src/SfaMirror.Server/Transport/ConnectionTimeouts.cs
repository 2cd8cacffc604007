using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SfaMirror.Server.Transport;

/// <summary>
/// One timer for every connection of this node: keep-alive pings (<c>KeepAliveIntervalSeconds</c>), peers that
/// answered nothing within <c>KeepAliveTimeoutSeconds</c>, writes stuck for <c>SendTimeoutSeconds</c>, and close
/// handshakes the peer never finished. A timer per connection would cost each idle screen a few hundred bytes
/// and the runtime a timer-queue entry; a pass over all connections costs microseconds per thousand.
/// </summary>
internal sealed class ConnectionTimeouts(ConnectionTracker tracker, IOptions<TransportOptions> options) : BackgroundService
{
    /// <summary>The limits in <see cref="Stopwatch"/> ticks.</summary>
    internal readonly record struct Limits(long KeepAliveInterval, long KeepAliveTimeout, long SendTimeout);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var limits = new Limits(Ticks(o.KeepAliveInterval), Ticks(o.KeepAliveTimeout), Ticks(o.SendTimeout));
        // A quarter of the shortest limit keeps each within 25 % of its setting; never busier than 50 passes a second.
        var shortest = TimeSpan.FromTicks(Math.Min(o.KeepAliveInterval.Ticks, Math.Min(o.KeepAliveTimeout.Ticks, o.SendTimeout.Ticks)));
        var tick = TimeSpan.FromTicks(Math.Clamp(shortest.Ticks / 4, TimeSpan.FromMilliseconds(20).Ticks, TimeSpan.FromSeconds(1).Ticks));
        using var timer = new PeriodicTimer(tick);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = Stopwatch.GetTimestamp();
                // The pings of this pass are written here, on this thread, rather than each waking a thread-pool
                // thread for its send loop at the same moment (a burst that showed in relayed updates' latency).
                var deferred = DeferredWakes.Begin();
                try
                {
                    foreach (var connection in tracker.Snapshot())
                    {
                        connection.CheckTimeouts(now, limits);
                    }
                }
                finally
                {
                    deferred?.End();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
