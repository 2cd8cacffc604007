using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Threading.Channels;
using SfaMirror.Bench.Raw;

namespace SfaMirror.Bench;

/// <summary>
/// An attacker mining for session codes: <c>connections</c> connections from one address guess random codes
/// with JOIN_SESSION and reconnect every <c>joinsPerConnection</c> guesses (alternating between two nodes when
/// given), against <c>sessions</c> live sessions this scenario creates from 127.0.0.1. Meanwhile a legitimate
/// client at 127.0.0.1 creates, joins and relays every few seconds. A guess is "tried" when the relay answered
/// it (SESSION_NOT_FOUND, or SESSION_JOINED: found), "refused" when it answered RATE_LIMITED or nothing within
/// a second (RATE_LIMITED is sent at most once a second per connection).
/// </summary>
internal sealed class GuessScenario(Uri url, Uri? urlB, IPAddress from, int sessions, int connections, int joinsPerConnection)
{
    private const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    private static readonly TimeSpan ReplyWait = TimeSpan.FromSeconds(1);

    private long _tried, _refused, _found, _upgradesRefused, _canaryOk, _canaryFailed;

    public async Task<Dictionary<string, object?>> RunAsync(double seconds, CancellationToken ct)
    {
        var hosts = new List<RawWsClient>(sessions);
        for (var i = 0; i < sessions; i++)
        {
            var host = await RawWsClient.ConnectAsync(url, IPAddress.Loopback, ct).ConfigureAwait(false);
            await host.CreateSessionAsync().ConfigureAwait(false);
            hosts.Add(host);
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(TimeSpan.FromSeconds(seconds));
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, connections).Select(i => GuessAsync(i, stop.Token)).ToList();
        var canary = CanaryAsync(stop.Token);
        await Task.WhenAll([.. workers, canary]).ConfigureAwait(false);
        var elapsed = clock.Elapsed.TotalSeconds;
        await RawWsClient.AbortAllAsync(hosts).ConfigureAwait(false);

        var space = Math.Pow(Alphabet.Length, 6);
        var rate = _tried / elapsed;
        // With 100,000 live sessions a guess hits with p = 100,000 / 31^6; the expected wait is 1 / (p × rate).
        var hitProbability = 100_000 / space;
        return new Dictionary<string, object?>
        {
            ["from"] = from.ToString(),
            ["servers"] = urlB is null ? 1 : 2,
            ["sessions"] = sessions,
            ["connections"] = connections,
            ["joins_per_connection"] = joinsPerConnection,
            ["seconds"] = Report.Round(elapsed, 1),
            ["guesses_tried"] = _tried,
            ["guesses_refused"] = _refused,
            ["sessions_found"] = _found,
            ["upgrades_refused"] = _upgradesRefused,
            ["tried_per_s"] = Report.Round(rate, 3),
            ["expected_hours_to_first_hit_at_100k_sessions"] = rate > 0 ? Report.Round(1 / (hitProbability * rate) / 3600, 1) : null,
            ["legit_cycles_ok"] = _canaryOk,
            ["legit_cycles_failed"] = _canaryFailed,
        };
    }

    private async Task GuessAsync(int index, CancellationToken ct)
    {
        var reconnects = 0;
        while (!ct.IsCancellationRequested)
        {
            var target = urlB is not null && (index + reconnects++) % 2 == 1 ? urlB : url;
            RawWsClient client;
            try
            {
                client = await RawWsClient.ConnectAsync(target, from, ct).ConfigureAwait(false);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // An upgrade refused (429/503) or cut: a real attacker would wait too.
                Interlocked.Increment(ref _upgradesRefused);
                await Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
                continue;
            }
            catch (Exception)
            {
                return;
            }
            var replies = Channel.CreateUnbounded<string>();
            client.OnMessage = (_, message) => replies.Writer.TryWrite(Kind(message));
            for (var j = 0; j < joinsPerConnection && !ct.IsCancellationRequested; j++)
            {
                if (!client.Send($"{{\"type\":\"JOIN_SESSION\",\"sessionId\":\"{RandomNumberGenerator.GetString(Alphabet, 6)}\"}}"))
                {
                    break;
                }
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(ReplyWait);
                string reply;
                try
                {
                    reply = await replies.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    reply = "silent";
                }
                switch (reply)
                {
                    case "SESSION_NOT_FOUND": Interlocked.Increment(ref _tried); break;
                    case "SESSION_JOINED": Interlocked.Increment(ref _tried); Interlocked.Increment(ref _found); break;
                    default: Interlocked.Increment(ref _refused); break;
                }
            }
            client.Abort();
        }
    }

    /// <summary>Every 2 s from 127.0.0.1: a host creates, a viewer joins, an update is relayed.</summary>
    private async Task CanaryAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            RawWsClient? host = null, viewer = null;
            try
            {
                host = await RawWsClient.ConnectAsync(url, IPAddress.Loopback, bound.Token).ConfigureAwait(false);
                var code = await host.CreateSessionAsync().WaitAsync(bound.Token).ConfigureAwait(false);
                viewer = await RawWsClient.ConnectAsync(urlB ?? url, IPAddress.Loopback, bound.Token).ConfigureAwait(false);
                await viewer.JoinAsync(code).WaitAsync(bound.Token).ConfigureAwait(false);
                var update = viewer.ExpectAsync("VIEW_CUSTOMER");
                host.Send("{\"type\":\"VIEW_CUSTOMER\",\"payload\":{\"id\":1}}"u8);
                await update.WaitAsync(bound.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _canaryOk);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref _canaryFailed);
            }
            catch (Exception)
            {
                // The run ended mid-cycle.
            }
            host?.Abort();
            viewer?.Abort();
            await Delay(TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
        }
    }

    private static string Kind(ReadOnlySpan<byte> message)
    {
        if (message.IndexOf("\"SESSION_JOINED\""u8) >= 0) return "SESSION_JOINED";
        if (message.IndexOf("\"SESSION_NOT_FOUND\""u8) >= 0) return "SESSION_NOT_FOUND";
        if (message.IndexOf("\"RATE_LIMITED\""u8) >= 0) return "RATE_LIMITED";
        return "other";
    }

    private static async Task Delay(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
