using System.Threading.RateLimiting;

namespace SfaMirror.Server.Transport;

/// <summary>
/// This node's connection limits, with <c>System.Threading.RateLimiting</c>'s limiters: new connections per
/// address (a token bucket), open connections per address and in all (concurrency limiters whose lease the
/// connection holds until it closes). Per node by design: they bound what one node spends, and a client spread
/// over nodes is still held to the cluster-wide failed-join budget.
/// </summary>
internal sealed class ConnectionLimits : IAsyncDisposable
{
    /// <summary>What a client over a concurrency limit is told to wait: connections are long-lived, so not less.</summary>
    private const int ConcurrencyRetryAfterSeconds = 5;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly PartitionedRateLimiter<string> _newPerAddress;
    private readonly PartitionedRateLimiter<string> _openPerAddress;
    private readonly ConcurrencyLimiter _open;

    public ConnectionLimits(TransportOptions options)
    {
        // Replenished by the partitioned limiter's own 100 ms heartbeat (AutoReplenishment off): one timer for all addresses.
        var perTick = options.ConnectionsPerAddressPerSecond * Tick.TotalSeconds;
        var bucket = perTick >= 1
            ? new TokenBucketRateLimiterOptions { TokenLimit = options.ConnectionBurstPerAddress, TokensPerPeriod = (int)Math.Round(perTick), ReplenishmentPeriod = Tick, AutoReplenishment = false }
            : new TokenBucketRateLimiterOptions { TokenLimit = options.ConnectionBurstPerAddress, TokensPerPeriod = 1, ReplenishmentPeriod = TimeSpan.FromSeconds(1 / options.ConnectionsPerAddressPerSecond), AutoReplenishment = false };
        _newPerAddress = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => bucket), StringComparer.Ordinal);
        var perAddress = new ConcurrencyLimiterOptions { PermitLimit = options.MaxConnectionsPerAddress, QueueLimit = 0 };
        _openPerAddress = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetConcurrencyLimiter(address, _ => perAddress), StringComparer.Ordinal);
        _open = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = options.MaxConnections, QueueLimit = 0 });
    }

    /// <summary>
    /// Admits a new connection of <paramref name="address"/>: the lease to hold while it is open, or the refusal
    /// (<paramref name="statusCode"/> 429 or 503, the seconds to wait, and the limit's metric name).
    /// </summary>
    public IDisposable? TryAcquire(string address, out int statusCode, out int retryAfterSeconds, out string? limit)
    {
        using var rate = _newPerAddress.AttemptAcquire(address);
        if (!rate.IsAcquired)
        {
            retryAfterSeconds = rate.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
            return Refused(429, "address_rate", out statusCode, out limit);
        }
        var perAddress = _openPerAddress.AttemptAcquire(address);
        if (!perAddress.IsAcquired)
        {
            perAddress.Dispose();
            retryAfterSeconds = ConcurrencyRetryAfterSeconds;
            return Refused(429, "address_concurrent", out statusCode, out limit);
        }
        var all = _open.AttemptAcquire();
        if (!all.IsAcquired)
        {
            all.Dispose();
            perAddress.Dispose();
            retryAfterSeconds = ConcurrencyRetryAfterSeconds;
            return Refused(503, "server", out statusCode, out limit);
        }
        statusCode = 0;
        retryAfterSeconds = 0;
        limit = null;
        return new Leases(perAddress, all);
    }

    private static IDisposable? Refused(int code, string name, out int statusCode, out string? limit)
    {
        statusCode = code;
        limit = name;
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _newPerAddress.DisposeAsync().ConfigureAwait(false);
        await _openPerAddress.DisposeAsync().ConfigureAwait(false);
        await _open.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class Leases(RateLimitLease perAddress, RateLimitLease all) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                perAddress.Dispose();
                all.Dispose();
            }
        }
    }
}
