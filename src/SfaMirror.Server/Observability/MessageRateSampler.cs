using Microsoft.Extensions.Hosting;

namespace SfaMirror.Server.Observability;

/// <summary>Once a second, turns the relay's message totals into a rate sample for <see cref="MessageRateHistory"/>.</summary>
internal sealed class MessageRateSampler(RelayMetrics metrics, MessageRateHistory history, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        var lastAt = time.GetTimestamp();
        long lastIn = metrics.MessagesReceivedTotal, lastOut = metrics.MessagesSentTotal;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = time.GetTimestamp();
                long received = metrics.MessagesReceivedTotal, sent = metrics.MessagesSentTotal;
                // Divide by the real elapsed time: a late tick must not show as a spike.
                var seconds = Math.Max(time.GetElapsedTime(lastAt, now).TotalSeconds, 0.001);
                history.Add(new RateSample(time.GetUtcNow(), (received - lastIn) / seconds, (sent - lastOut) / seconds));
                (lastAt, lastIn, lastOut) = (now, received, sent);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
