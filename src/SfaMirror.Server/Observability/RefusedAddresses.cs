using System.Collections.Concurrent;

namespace SfaMirror.Server.Observability;

/// <summary>
/// This node's refusals by client address, in one-minute buckets over the last five minutes: what /admin lists
/// (the addresses refused most), and what keeps the warning about an address to one line a minute.
/// Bounded: a bucket takes at most <see cref="MaxAddressesPerMinute"/> addresses; beyond, newcomers are not listed.
/// </summary>
internal sealed class RefusedAddresses(TimeProvider time)
{
    public const int MaxAddressesPerMinute = 10_000;
    private const int Minutes = 5;

    private readonly Bucket[] _buckets = [.. Enumerable.Range(0, Minutes).Select(_ => new Bucket())];

    /// <summary>Counts a refusal of <paramref name="address"/>; true when it is the address's first this minute (log it).</summary>
    public bool Record(string address)
    {
        var minute = CurrentMinute();
        var bucket = _buckets[minute % Minutes];
        if (Volatile.Read(ref bucket.Minute) != minute)
        {
            lock (bucket)
            {
                if (bucket.Minute != minute)
                {
                    bucket.Counts.Clear();
                    Volatile.Write(ref bucket.Minute, minute);
                }
            }
        }
        if (!bucket.Counts.ContainsKey(address) && bucket.Counts.Count >= MaxAddressesPerMinute)
        {
            return false;
        }
        return bucket.Counts.AddOrUpdate(address, 1, static (_, n) => n + 1) == 1;
    }

    /// <summary>The addresses refused most in the last five minutes, most first.</summary>
    public IReadOnlyList<(string Address, long Refusals)> Top(int count)
    {
        var minute = CurrentMinute();
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var bucket in _buckets)
        {
            if (minute - Volatile.Read(ref bucket.Minute) >= Minutes)
            {
                continue;
            }
            foreach (var (address, n) in bucket.Counts)
            {
                totals[address] = totals.GetValueOrDefault(address) + n;
            }
        }
        return [.. totals.OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal).Take(count).Select(t => (t.Key, t.Value))];
    }

    private long CurrentMinute() => time.GetUtcNow().ToUnixTimeSeconds() / 60;

    private sealed class Bucket
    {
        public long Minute = -1;
        public readonly ConcurrentDictionary<string, int> Counts = new(StringComparer.Ordinal);
    }
}
