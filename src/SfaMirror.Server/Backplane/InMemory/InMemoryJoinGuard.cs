using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace SfaMirror.Server.Backplane.InMemory;

/// <summary>
/// <see cref="IJoinGuard"/> in this process: per address, the times of its reserved failures in the last hour
/// (at most the hour's budget of them), so "any minute" and "any hour" are exact sliding windows.
/// <c>System.Threading.RateLimiting</c>'s window limiters would do the counting, but a permit, once taken,
/// cannot be given back, and a successful join must not count. Idle addresses are dropped once a minute.
/// </summary>
internal sealed class InMemoryJoinGuard(IOptions<StoreOptions> options, TimeProvider time) : IJoinGuard
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, List<(long At, long Id)>> _failures = new(StringComparer.Ordinal);
    private readonly StoreOptions _options = options.Value;
    private long _nextId;
    private long _prunedAt = time.GetTimestamp();

    public ValueTask<JoinTicket> ReserveAsync(string address, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        PruneIdle(now);
        while (true)
        {
            var window = _failures.GetOrAdd(address, static _ => []);
            lock (window)
            {
                if (!ReferenceEquals(_failures.GetValueOrDefault(address), window))
                {
                    continue; // pruned meanwhile: count in the address's current window
                }
                return ValueTask.FromResult(Reserve(window, address, now));
            }
        }
    }

    /// <summary>Called under the window's lock.</summary>
    private JoinTicket Reserve(List<(long At, long Id)> window, string address, long now)
    {
        window.RemoveAll(f => time.GetElapsedTime(f.At, now) >= Hour);
        var lastHour = window.Count;
        var lastMinute = window.Count(f => time.GetElapsedTime(f.At, now) < Minute);
        var refusedBy = lastMinute >= _options.FailedJoinsPerAddressPerMinute ? JoinBudget.Minute
            : lastHour >= _options.FailedJoinsPerAddressPerHour ? JoinBudget.Hour
            : JoinBudget.None;
        if (refusedBy != JoinBudget.None)
        {
            return new JoinTicket(false, refusedBy, address, "", lastMinute, lastHour);
        }
        var id = Interlocked.Increment(ref _nextId);
        window.Add((now, id));
        return new JoinTicket(true, JoinBudget.None, address, id.ToString(CultureInfo.InvariantCulture), lastMinute + 1, lastHour + 1);
    }

    public ValueTask ReleaseAsync(JoinTicket ticket, CancellationToken cancellationToken)
    {
        if (ticket.Granted && _failures.TryGetValue(ticket.Address, out var window))
        {
            var id = long.Parse(ticket.Id, CultureInfo.InvariantCulture);
            lock (window)
            {
                window.RemoveAll(f => f.Id == id);
            }
        }
        return ValueTask.CompletedTask;
    }

    private void PruneIdle(long now)
    {
        var last = Interlocked.Read(ref _prunedAt);
        if (time.GetElapsedTime(last, now) < Minute || Interlocked.CompareExchange(ref _prunedAt, now, last) != last)
        {
            return;
        }
        foreach (var (address, window) in _failures)
        {
            lock (window)
            {
                window.RemoveAll(f => time.GetElapsedTime(f.At, now) >= Hour);
                if (window.Count == 0)
                {
                    // Under the window's lock: a reserve holding this list sees it is no longer the address's and retries.
                    _failures.TryRemove(new KeyValuePair<string, List<(long, long)>>(address, window));
                }
            }
        }
    }
}
