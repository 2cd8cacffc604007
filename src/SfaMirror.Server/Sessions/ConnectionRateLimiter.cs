using System.Diagnostics;

namespace SfaMirror.Server.Sessions;

/// <summary>
/// One connection's limits (docs/protocol.md, "Errors", <c>RATE_LIMITED</c>): a token bucket for messages, a one-minute
/// window of failed joins, at most one <c>RATE_LIMITED</c> reply per second, and the count of refusals
/// within 60 seconds that closes the connection. Used only by the connection's receive loop.
/// </summary>
internal sealed class ConnectionRateLimiter(SessionOptions options)
{
    private static readonly long OneSecond = Stopwatch.Frequency;
    private static readonly long OneMinute = Stopwatch.Frequency * 60;

    private double _tokens = options.MessageBurst;
    private long _refilledAt = Stopwatch.GetTimestamp();
    private long? _lastReplyAt;
    private Queue<long>? _failedJoins;
    private Queue<long>? _refusals;

    /// <summary>Takes one message from the bucket; false when the connection is over its rate.</summary>
    public bool TryTakeMessage()
    {
        var now = Stopwatch.GetTimestamp();
        _tokens = Math.Min(options.MessageBurst, _tokens + (now - _refilledAt) * options.MessagesPerSecond / OneSecond);
        _refilledAt = now;
        if (_tokens < 1)
        {
            return false;
        }
        _tokens -= 1;
        return true;
    }

    /// <summary>Whether joins are refused because of too many failed joins in the last minute.</summary>
    public bool JoinsBlocked() => Count(ref _failedJoins, Stopwatch.GetTimestamp()) >= options.FailedJoinsPerMinute;

    public void RecordFailedJoin() => Record(ref _failedJoins, options.FailedJoinsPerMinute);

    /// <summary>
    /// Records a refused message. Returns whether it should be answered with <c>RATE_LIMITED</c> (the first
    /// refusal in a second), and sets <paramref name="mustClose"/> once refusals pass the strike limit.
    /// </summary>
    public bool RecordRefusal(out bool mustClose)
    {
        var now = Stopwatch.GetTimestamp();
        Record(ref _refusals, options.RateLimitStrikes + 1);
        mustClose = Count(ref _refusals, now) > options.RateLimitStrikes;
        // Null until the first reply: "now - long.MinValue" would overflow and silence the first RATE_LIMITED.
        if (_lastReplyAt is { } last && now - last < OneSecond)
        {
            return false;
        }
        _lastReplyAt = now;
        return true;
    }

    private static void Record(ref Queue<long>? window, int keep)
    {
        window ??= new Queue<long>();
        window.Enqueue(Stopwatch.GetTimestamp());
        while (window.Count > keep)
        {
            window.Dequeue();
        }
    }

    private static int Count(ref Queue<long>? window, long now)
    {
        if (window is null)
        {
            return 0;
        }
        while (window.Count > 0 && now - window.Peek() > OneMinute)
        {
            window.Dequeue();
        }
        return window.Count;
    }
}
