using SfaMirror.Bench.Raw;

namespace SfaMirror.Bench;

/// <summary>N connections in N/4 sessions, all joined and silent: how much resident memory each costs the server.</summary>
internal sealed class IdleScenario(Target target, int connections, double settleSeconds)
{
    public async Task<Dictionary<string, object?>> RunAsync(CancellationToken ct)
    {
        if (target.ServerPid <= 0) throw new ArgumentException("idle needs --server-pid");
        // One session opened and closed first, so that the code paths are compiled before the baseline.
        var warm = await target.ConnectAsync(0, ct);
        await warm.CreateSessionAsync();
        await warm.CloseAsync();
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        var before = ProcStats.RssKib(target.ServerPid);
        var clients = new List<RawWsClient>(connections);
        await Parallel.ForEachAsync(Enumerable.Range(0, connections / 4), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = ct }, async (_, token) =>
        {
            var (_, members) = await target.OpenSessionAsync(3, token);
            lock (clients) clients.AddRange(members);
        });
        await Task.Delay(TimeSpan.FromSeconds(settleSeconds), ct);
        var after = ProcStats.RssKib(target.ServerPid);
        var perConnection = (after - before) * 1024.0 / clients.Count;
        Report.Line($"idle: {clients.Count} connections, server RSS {before / 1024.0:F1} MiB -> {after / 1024.0:F1} MiB, {perConnection / 1024:F2} KiB per connection");
        await RawWsClient.AbortAllAsync(clients);
        return new Dictionary<string, object?>
        {
            ["connections"] = clients.Count,
            ["rss_before_kib"] = before,
            ["rss_after_kib"] = after,
            ["kib_per_connection"] = Report.Round(perConnection / 1024, 2),
        };
    }
}
