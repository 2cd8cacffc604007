using System.Diagnostics;
using HdrHistogram;
using SfaMirror.Bench.Raw;

namespace SfaMirror.Bench;

/// <summary>N viewers connect and join pre-created sessions all at once.</summary>
internal sealed class ConnectStormScenario(Target target, int connections, int perSession)
{
    public async Task<Dictionary<string, object?>> RunAsync(CancellationToken ct)
    {
        var sessionCount = (connections + perSession - 1) / perSession;
        var hosts = new RawWsClient[sessionCount];
        var codes = new string[sessionCount];
        await Parallel.ForEachAsync(Enumerable.Range(0, sessionCount), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = ct }, async (s, token) =>
        {
            (codes[s], var members) = await target.OpenSessionAsync(0, token);
            hosts[s] = members[0];
        });
        // Hosts get PEER_JOINED for every viewer: the event loops read and drop them.
        // A small storm first, whose viewers leave again: the generator's own connect and join paths are then
        // compiled, so that the measured storm times the relay rather than the generator's JIT.
        var warmup = await Task.WhenAll(Enumerable.Range(0, Math.Min(500, connections)).Select(async i =>
        {
            var c = await target.ConnectAsync(i, ct);
            await c.JoinAsync(codes[i % sessionCount]);
            return c;
        }));
        await RawWsClient.AbortAllAsync(warmup);
        await Task.Delay(1000, ct);

        // Join latency is each connection's own: from its connect attempt to its SESSION_JOINED. When each
        // join finished, counted from the storm's start, is kept too (completed_p99_ms): the two differ by
        // how long the generator took to start every attempt.
        var latency = new LongConcurrentHistogram(1, 60_000_000, 3);
        var completed = new LongConcurrentHistogram(1, 60_000_000, 3);
        var viewers = new RawWsClient?[connections];
        long failures = 0;
        var tcpBefore = ProcStats.TcpCounters();
        var cpu = new CpuWindow(target.ServerPid);
        cpu.Start();
        var start = Stopwatch.GetTimestamp();
        // Every attempt starts from this thread (socket and a non-blocking connect each); the event loops
        // carry each on from there.
        var tasks = new Task[connections];
        for (var i = 0; i < connections; i++)
        {
            tasks[i] = JoinAsync(i);
        }
        // Each connect() runs the loopback handshake's first half in this thread, so starting every
        // attempt takes a while; reported so that the per-join latency can be read against it.
        var allStartedMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

        async Task JoinAsync(int index)
        {
            try
            {
                var attempt = Stopwatch.GetTimestamp();
                var timeout = TimeSpan.FromSeconds(30);
                var c = await target.ConnectAsync(index, ct).WaitAsync(timeout, ct);
                viewers[index] = c;
                await c.JoinAsync(codes[index / perSession]).WaitAsync(timeout, ct);
                latency.RecordValue(Math.Max(1, (long)Stopwatch.GetElapsedTime(attempt).TotalMicroseconds));
                completed.RecordValue(Math.Max(1, (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds));
            }
            catch (Exception)
            {
                Interlocked.Increment(ref failures);
            }
        }
        await Task.WhenAll(tasks);
        var allJoinedMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        cpu.Stop();
        var tcp = ProcStats.Delta(tcpBefore, ProcStats.TcpCounters());
        var synRetries = tcp.GetValueOrDefault("ListenOverflows") + tcp.GetValueOrDefault("ListenDrops") + tcp.GetValueOrDefault("TCPReqQFullDrop");
        Report.Line($"connect-storm: {connections - failures}/{connections} joined in {allJoinedMs:F0} ms (every attempt started within {allStartedMs:F0} ms), p50 {latency.GetValueAtPercentile(50) / 1000.0:F0} ms, p99 {latency.GetValueAtPercentile(99) / 1000.0:F0} ms, failures {failures}, listen overflows/drops {string.Join(' ', tcp.Select(kv => $"{kv.Key}={kv.Value}"))}");
        await RawWsClient.AbortAllAsync(viewers.OfType<RawWsClient>().Concat(hosts));
        return new Dictionary<string, object?>
        {
            ["connections"] = connections,
            ["sessions"] = sessionCount,
            ["joined"] = connections - failures,
            ["failures"] = failures,
            ["all_joined_ms"] = Report.Round(allJoinedMs, 0),
            ["all_attempts_started_ms"] = Report.Round(allStartedMs, 0),
            ["p50_join_ms"] = latency.GetValueAtPercentile(50) / 1000.0,
            ["p99_join_ms"] = latency.GetValueAtPercentile(99) / 1000.0,
            ["max_join_ms"] = latency.GetMaxValue() / 1000.0,
            ["completed_p50_ms"] = completed.GetValueAtPercentile(50) / 1000.0,
            ["completed_p99_ms"] = completed.GetValueAtPercentile(99) / 1000.0,
            ["syn_drops"] = synRetries,
            ["tcp_counters_delta"] = tcp,
            ["server_cpu_ms"] = Report.Round(cpu.ServerMicroseconds / 1000, 0),
            ["generator_cpu_ms"] = Report.Round(cpu.SelfMicroseconds / 1000, 0),
        };
    }
}
