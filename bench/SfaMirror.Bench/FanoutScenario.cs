using System.Diagnostics;
using System.Text;
using HdrHistogram;
using SfaMirror.Bench.Raw;

namespace SfaMirror.Bench;

/// <summary>
/// S sessions of one host and K viewers; every host sends a ~1 KB VIEW_CUSTOMER at R per second, paced
/// evenly by one thread. Each payload carries its session, a per-host counter and the send timestamp,
/// so every viewer checks routing, order and loss and records end-to-end latency. Viewers are checked on
/// the generator's event loops as each message arrives.
/// </summary>
internal sealed class FanoutScenario(Target target, int sessions, int viewers, int payloadBytes)
{
    private static readonly byte[] Prefix = "{\"type\":\"VIEW_CUSTOMER\",\"payload\":{\"s\":\""u8.ToArray();
    private static readonly byte[] Marker = "\"payload\":{\"s\":\""u8.ToArray();
    private const int SessionDigits = 6, CounterDigits = 10, TimeDigits = 19, Separator = 7; // ","n":"
    private static readonly double TicksPerMicrosecond = Stopwatch.Frequency / 1e6;

    private Host[] _hosts = [];
    private readonly List<RawWsClient> _all = [];
    private volatile Window _window = new(long.MaxValue, long.MaxValue);
    private volatile bool _stop;
    private double _perHostRate;
    private volatile int _rateVersion;

    private long _delivered, _misrouted, _outOfOrder, _gaps, _sent, _skipped, _sendErrors;
    /// <summary>The pacer has made (and counted) every send due by this <see cref="Stopwatch"/> timestamp.</summary>
    private long _pacedUntil;

    private sealed record Window(long Start, long End)
    {
        public readonly LongConcurrentHistogram Latency = new(1, 60_000_000, 3);
        public readonly LongHistogram PacerLag = new(1, 60_000_000, 3);
        public bool Contains(long ts) => ts >= Start && ts < End;
    }

    private sealed class Host(RawWsClient client, byte[] frame)
    {
        public readonly RawWsClient Client = client;
        public readonly byte[] Frame = frame;
        public long Counter;
    }

    /// <summary>One viewer's view of its session's stream: the last counter it saw.</summary>
    private sealed class ViewerCheck(FanoutScenario scenario, int session, RawWsClient client)
    {
        private long _last;

        public RawWsClient Client => client;

        public int Session => session;

        public long Last => Volatile.Read(ref _last);

        public void OnMessage(RawWsClient from, ReadOnlySpan<byte> message) => Volatile.Write(ref _last, scenario.Check(message, session, _last));
    }

    private readonly List<ViewerCheck> _checks = [];

    /// <summary>Every viewer connection, in no particular order.</summary>
    internal IReadOnlyList<RawWsClient> Viewers
    {
        get
        {
            lock (_all) return _checks.Select(c => c.Client).ToList();
        }
    }

    public async Task SetUpAsync(CancellationToken ct)
    {
        _hosts = new Host[sessions];
        await Parallel.ForEachAsync(Enumerable.Range(0, sessions), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = ct }, async (s, token) =>
        {
            var (_, members) = await target.OpenSessionAsync(viewers, token);
            var checks = members.Skip(1).Select(viewer => new ViewerCheck(this, s, viewer)).ToList();
            foreach (var check in checks) check.Client.OnMessage = check.OnMessage;
            lock (_all)
            {
                _all.AddRange(members);
                _checks.AddRange(checks);
            }
            _hosts[s] = new Host(members[0], BuildFrame(s));
        });
    }

    private byte[] BuildFrame(int session)
    {
        var head = Encoding.ASCII.GetString(Prefix) + session.ToString("D6") + "\",\"n\":\"" + new string('0', CounterDigits) + "\",\"t\":\"" + new string('0', TimeDigits) + "\",\"pad\":\"";
        var padding = Math.Max(0, payloadBytes - head.Length - 3);
        return Encoding.ASCII.GetBytes(head + new string('x', padding) + "\"}}");
    }

    /// <summary>Runs the pacer at <paramref name="perHostRate"/> until <see cref="Dispose"/>; call again to change the rate.</summary>
    public void SetRate(double perHostRate)
    {
        _perHostRate = perHostRate;
        _rateVersion++;
        if (_pacer is null)
        {
            _pacer = new Thread(Pace) { IsBackground = true, Name = "pacer", Priority = ThreadPriority.AboveNormal };
            _pacer.Start();
        }
    }

    private Thread? _pacer;

    private void Pace()
    {
        var version = -1;
        long origin = 0, k = 0;
        double interval = 0;
        while (!_stop)
        {
            var now = Stopwatch.GetTimestamp();
            if (version != _rateVersion)
            {
                version = _rateVersion;
                origin = now;
                k = 0;
                interval = Stopwatch.Frequency / (_perHostRate * _hosts.Length);
            }
            while (true)
            {
                var intended = origin + (long)(k * interval);
                if (intended > now) break;
                SendOne(_hosts[k % _hosts.Length], intended);
                k++;
            }
            // Every send of this pass stamped a time after `now`: no send stamped before it is still to come.
            Volatile.Write(ref _pacedUntil, now);
            Thread.Sleep(1);
        }
    }

    private void SendOne(Host host, long intended)
    {
        // A host whose earlier update still waits for the socket to drain skips this one: the relay is pushing back.
        if (host.Client.Backlogged)
        {
            _skipped++;
            return;
        }
        var frame = host.Frame;
        var at = Prefix.Length + SessionDigits + Separator;
        WriteDigits(frame.AsSpan(at, CounterDigits), ++host.Counter);
        var t = Stopwatch.GetTimestamp();
        WriteDigits(frame.AsSpan(at + CounterDigits + Separator, TimeDigits), t);
        var w = _window;
        if (w.Contains(t))
        {
            _sent++;
            w.PacerLag.RecordValue(Math.Max(1, (long)((t - intended) / TicksPerMicrosecond)));
        }
        if (!host.Client.Send(frame)) _sendErrors++;
    }

    private static void WriteDigits(Span<byte> into, long value)
    {
        for (var i = into.Length - 1; i >= 0; i--)
        {
            into[i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }

    private static long ReadDigits(ReadOnlySpan<byte> from)
    {
        long v = 0;
        foreach (var b in from) v = v * 10 + (b - '0');
        return v;
    }

    /// <summary>Checks one message a viewer of <paramref name="session"/> received; returns the highest counter seen.</summary>
    private long Check(ReadOnlySpan<byte> message, int session, long last)
    {
        var now = Stopwatch.GetTimestamp();
        if (!message.StartsWith("{\"type\":\"VIEW_CUSTOMER\""u8)) return last;
        var p = message.IndexOf(Marker);
        if (p < 0) return last;
        p += Marker.Length;
        var s = ReadDigits(message.Slice(p, SessionDigits));
        p += SessionDigits + Separator;
        var n = ReadDigits(message.Slice(p, CounterDigits));
        p += CounterDigits + Separator;
        var t = ReadDigits(message.Slice(p, TimeDigits));
        if (s != session) Interlocked.Increment(ref _misrouted);
        if (n <= last) Interlocked.Increment(ref _outOfOrder);
        else if (n != last + 1 && last != 0) Interlocked.Add(ref _gaps, n - last - 1);
        var w = _window;
        if (w.Contains(t))
        {
            Interlocked.Increment(ref _delivered);
            w.Latency.RecordValue(Math.Max(1, (long)((now - t) / TicksPerMicrosecond)));
        }
        return Math.Max(last, n);
    }

    /// <summary>One measured window at the current rate: warm-up, measure, then wait for the stragglers.</summary>
    public async Task<Dictionary<string, object?>> MeasureAsync(double warmupSeconds, double measureSeconds, CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromSeconds(warmupSeconds), ct);
        Interlocked.Exchange(ref _delivered, 0);
        Interlocked.Exchange(ref _misrouted, 0);
        Interlocked.Exchange(ref _outOfOrder, 0);
        Interlocked.Exchange(ref _gaps, 0);
        _sent = 0;
        _skipped = 0;
        var cpu = new CpuWindow(target.ServerPid, target.ViewerServerPid, target.BackplanePid);
        // The window opens a little in the future, so that the pacer and every viewer see the same
        // window object for every timestamp inside it (a send counted by one is counted by the other).
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 10;
        var window = new Window(start, start + (long)(measureSeconds * Stopwatch.Frequency));
        _window = window;
        var untilStart = (start - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency;
        if (untilStart > 0) await Task.Delay(TimeSpan.FromSeconds(untilStart), ct);
        cpu.Start();
        await Task.Delay(TimeSpan.FromSeconds(measureSeconds), ct);
        cpu.Stop();
        // Everything sent inside the window gets up to 3 s to arrive.
        var deadline = Stopwatch.GetTimestamp() + 3 * Stopwatch.Frequency;
        // The delay can end before the window does (the timer's clock is coarser than Stopwatch: up to 1 ms early was
        // seen), while the pacer still sends inside the window. Sends counted after the deliveries were checked would
        // then arrive after the window closed and count as lost: whole updates, with no gap and no viewer behind.
        while (Volatile.Read(ref _pacedUntil) < window.End && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(1, ct);
        }
        var skipped = _skipped;
        while (Interlocked.Read(ref _delivered) < _sent * viewers && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(20, ct);
        }
        // Late arrivals now fall outside every window, so the histograms stop changing before they are read.
        _window = new Window(long.MaxValue, long.MaxValue);
        await Task.Delay(50, ct);
        var delivered = Interlocked.Read(ref _delivered);
        var expected = _sent * viewers;
        // A connection that ended mid-run loses its later messages with no gap to show for it; say so, and why.
        RawWsClient[] ended;
        lock (_all) ended = _all.Where(c => c.Closed.IsCompleted).ToArray();
        // The pacer kept sending through the grace, so a viewer still far behind its host stopped receiving: a stalled
        // stream. All of a session's viewers behind points at the host's side, one alone at that viewer's.
        var behindBy = Math.Max(2, (long)(_perHostRate / 2));
        ViewerCheck[] behind;
        lock (_all) behind = _checks.Where(c => c.Last < Interlocked.Read(ref _hosts[c.Session].Counter) - behindBy).ToArray();
        var sessionsAllBehind = behind.GroupBy(c => c.Session).Count(g => g.Count() == viewers);
        var lat = window.Latency;
        var lagP99 = window.PacerLag.TotalCount > 0 ? window.PacerLag.GetValueAtPercentile(99) / 1000.0 : 0;
        var generatorSaturated = skipped > 0 || lagP99 > 5 || (cpu.MachineSaturated && cpu.SelfPercent >= cpu.ServerPercent);
        return new Dictionary<string, object?>
        {
            ["cross_node"] = target.CrossNode,
            ["sessions"] = sessions,
            ["viewers"] = viewers,
            ["rate_per_host"] = _perHostRate,
            ["sent"] = _sent,
            ["expected"] = expected,
            ["delivered"] = delivered,
            ["deliveries_per_s"] = Report.Round(delivered / cpu.Seconds, 0),
            ["p50_ms"] = Ms(lat, 50),
            ["p99_ms"] = Ms(lat, 99),
            ["p999_ms"] = Ms(lat, 99.9),
            ["max_ms"] = lat.TotalCount > 0 ? lat.GetMaxValue() / 1000.0 : null,
            ["lost"] = expected - delivered,
            ["gaps"] = Interlocked.Read(ref _gaps),
            ["misrouted"] = Interlocked.Read(ref _misrouted),
            ["out_of_order"] = Interlocked.Read(ref _outOfOrder),
            ["send_errors"] = _sendErrors,
            ["connections_ended"] = ended.Length,
            ["viewers_behind"] = behind.Length,
            ["sessions_all_viewers_behind"] = sessionsAllBehind,
            ["first_end_reason"] = ended.Select(c => c.Closed.Exception?.InnerException?.Message ?? "closed").FirstOrDefault(),
            ["skipped_sends"] = skipped,
            ["pacer_lag_p99_ms"] = lagP99,
            ["server_cpu_pct"] = Report.Round(cpu.ServerPercent, 1),
            ["generator_cpu_pct"] = Report.Round(cpu.SelfPercent, 1),
            ["server_us_per_delivery"] = delivered > 0 ? Report.Round(cpu.ServerMicroseconds / delivered) : null,
            ["server_kernel_us_per_delivery"] = delivered > 0 ? Report.Round(cpu.ServerKernelMicroseconds / delivered) : null,
            ["backplane_cpu_pct"] = target.BackplanePid > 0 ? Report.Round(cpu.BackplaneMicroseconds / (cpu.Seconds * 1e6) * 100, 1) : null,
            ["backplane_us_per_delivery"] = target.BackplanePid > 0 && delivered > 0 ? Report.Round(cpu.BackplaneMicroseconds / delivered) : null,
            ["generator_us_per_delivery"] = delivered > 0 ? Report.Round(cpu.SelfMicroseconds / delivered) : null,
            ["machine_saturated"] = cpu.MachineSaturated,
            ["generator_saturated"] = generatorSaturated,
        };
    }

    private static double? Ms(LongConcurrentHistogram h, double percentile) =>
        h.TotalCount > 0 ? h.GetValueAtPercentile(percentile) / 1000.0 : null;

    public async Task StopAsync()
    {
        _stop = true;
        _pacer?.Join();
        await RawWsClient.AbortAllAsync(_all);
    }
}
