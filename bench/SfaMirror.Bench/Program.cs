using System.CommandLine;
using SfaMirror.Bench;

var url = new Option<string>("--url") { Description = "The relay's WebSocket URL.", DefaultValueFactory = _ => "ws://127.0.0.1:3000/" };
var viewerUrl = new Option<string>("--viewer-url") { Description = "fanout: where viewers connect (another node of the cluster, for cross-node fan-out); default --url." };
var viewerServerPid = new Option<int>("--viewer-server-pid") { Description = "fanout: the viewers' node's process id, when cross-node (its CPU counts as server CPU too)." };
var backplanePid = new Option<int>("--backplane-pid") { Description = "fanout: redis-server's process id in a cross-node run, for its CPU." };
var serverPid = new Option<int>("--server-pid") { Description = "The server's process id, for its CPU time and RSS (from /proc)." };
var sources = new Option<int>("--source-addresses") { Description = "Spread connections over 127.0.0.1..N (each has its own ephemeral ports).", DefaultValueFactory = _ => 4 };
var warmup = new Option<double>("--warmup") { Description = "Warm-up seconds before measuring.", DefaultValueFactory = _ => 3 };
var duration = new Option<double>("--duration") { Description = "Measured seconds.", DefaultValueFactory = _ => 10 };

var sessions = new Option<int>("--sessions") { Description = "Sessions (one host each).", DefaultValueFactory = _ => 200 };
var viewers = new Option<int>("--viewers") { Description = "Viewers per session.", DefaultValueFactory = _ => 3 };
var rate = new Option<double>("--rate") { Description = "VIEW_CUSTOMER per second per host.", DefaultValueFactory = _ => 20 };
var payload = new Option<int>("--payload-bytes") { Description = "Size of each VIEW_CUSTOMER frame.", DefaultValueFactory = _ => 1024 };
var findMax = new Option<bool>("--find-max") { Description = "Raise the rate in steps of --rate until p99 passes --max-p99-ms or anything is lost." };
var maxP99 = new Option<double>("--max-p99-ms") { Description = "Latency bound for --find-max.", DefaultValueFactory = _ => 50 };
var maxRate = new Option<double>("--max-rate") { Description = "Highest per-host rate --find-max tries (the server limits each connection to 100 messages/s).", DefaultValueFactory = _ => 95 };
var keepGoing = new Option<bool>("--keep-going") { Description = "With --find-max: run every step up to --max-rate (for a latency-vs-load chart)." };
var connections = new Option<int>("--connections") { Description = "Connections." };
var settle = new Option<double>("--settle") { Description = "Seconds to wait before reading RSS.", DefaultValueFactory = _ => 3 };
var workers = new Option<int>("--workers") { Description = "Concurrent churn workers.", DefaultValueFactory = _ => 32 };
var perSession = new Option<int>("--per-session") { Description = "Viewers joining each pre-created session.", DefaultValueFactory = _ => 4 };
var server = new Option<string>("--server", "--server-dll") { Description = "The published server to start: a native executable, or a .dll run with dotnet.", DefaultValueFactory = _ => "out/SfaMirror.Server" };
var port = new Option<int>("--port") { Description = "Port for the server under test.", DefaultValueFactory = _ => 3000 };

Target TargetOf(ParseResult r) => new(new Uri(r.GetValue(url)!), r.GetValue(serverPid), r.GetValue(sources),
    r.GetValue(viewerUrl) is { Length: > 0 } v ? new Uri(v) : null, r.GetValue(viewerServerPid), r.GetValue(backplanePid));

var loops = new Option<int>("--loops") { Description = "The generator's event-loop threads. One reads every viewer for less CPU per delivery than two (each of which wakes for less).", DefaultValueFactory = _ => 1 };
var fanout = new Command("fanout", "S sessions of 1 host + K viewers; hosts send paced ~1 KB updates; latency, loss, order, CPU per delivery.")
{
    url, serverPid, sources, warmup, duration, sessions, viewers, rate, payload, findMax, maxP99, maxRate, keepGoing, viewerUrl, viewerServerPid, backplanePid, loops,
};
fanout.SetAction(async (r, ct) =>
{
    SfaMirror.Bench.Raw.EventLoop.Configure(r.GetValue(loops));
    var scenario = new FanoutScenario(TargetOf(r), r.GetValue(sessions), r.GetValue(viewers), r.GetValue(payload));
    await scenario.SetUpAsync(ct);
    try
    {
        var step = r.GetValue(rate);
        if (!r.GetValue(findMax))
        {
            scenario.SetRate(step);
            var result = await scenario.MeasureAsync(r.GetValue(warmup), r.GetValue(duration), ct);
            Report.Line(Describe(result));
            Report.Result("fanout", result);
            return 0;
        }
        var steps = new List<Dictionary<string, object?>>();
        Dictionary<string, object?>? best = null;
        for (var perHost = step; perHost <= r.GetValue(maxRate) + 1e-9; perHost += step)
        {
            scenario.SetRate(perHost);
            var result = await scenario.MeasureAsync(r.GetValue(warmup), r.GetValue(duration), ct);
            Report.Line("STEP " + Describe(result));
            steps.Add(result);
            var ok = (long)result["lost"]! == 0 && result["p99_ms"] is double p99 && p99 <= r.GetValue(maxP99);
            if (!ok)
            {
                if (r.GetValue(keepGoing)) continue;
                break;
            }
            best = result;
        }
        Report.Line(best is null ? "find-max: even the first step failed" : $"find-max: {best["deliveries_per_s"]} deliveries/s with p99 {best["p99_ms"]} ms (generator saturated: {best["generator_saturated"]})");
        Report.Result("fanout-find-max", new Dictionary<string, object?>
        {
            ["max_deliveries_per_s"] = best?["deliveries_per_s"],
            ["at_p99_ms"] = best?["p99_ms"],
            ["generator_saturated_at_max"] = best?["generator_saturated"],
            ["machine_saturated_at_max"] = best?["machine_saturated"],
            ["steps"] = steps,
        });
        return 0;
    }
    finally
    {
        await scenario.StopAsync();
    }
});

var idle = new Command("idle", "N connections in N/4 sessions, all joined: server RSS per connection.") { url, serverPid, sources, connections, settle };
idle.SetAction(async (r, ct) =>
{
    var n = r.GetValue(connections) is > 0 and var c ? c : 4000;
    Report.Result("idle", await new IdleScenario(TargetOf(r), n, r.GetValue(settle)).RunAsync(ct));
});

var churn = new Command("churn", "Workers loop connect, create, join, one update, close both.") { url, serverPid, sources, warmup, duration, workers };
churn.SetAction(async (r, ct) => Report.Result("churn", await new ChurnScenario(TargetOf(r), r.GetValue(workers)).RunAsync(r.GetValue(warmup), r.GetValue(duration), ct)));

var storm = new Command("connect-storm", "N connections join pre-created sessions at once.") { url, serverPid, sources, connections, perSession };
storm.SetAction(async (r, ct) =>
{
    var n = r.GetValue(connections) is > 0 and var c ? c : 5000;
    Report.Result("connect-storm", await new ConnectStormScenario(TargetOf(r), n, r.GetValue(perSession)).RunAsync(ct));
});

var serverB = new Option<string>("--server-b") { Description = "guess: a second node of the same cluster; the attacker alternates between the two on every reconnect." };
var guessFrom = new Option<string>("--from") { Description = "guess: the attacker's address (any of 127.0.0.0/8 on loopback).", DefaultValueFactory = _ => "127.0.0.9" };
var guessSessions = new Option<int>("--sessions") { Description = "guess: live sessions to create (from 127.0.0.1).", DefaultValueFactory = _ => 1000 };
var guessConnections = new Option<int>("--connections") { Description = "guess: attacking connections.", DefaultValueFactory = _ => 50 };
var joinsPer = new Option<int>("--joins-per-connection") { Description = "guess: guesses before each reconnect.", DefaultValueFactory = _ => 10 };
var guess = new Command("guess", "C connections from one address guess codes, reconnecting every J guesses, against S live sessions; a legit client keeps working.")
{
    url, serverB, guessFrom, guessSessions, guessConnections, joinsPer, duration,
};
guess.SetAction(async (r, ct) => Report.Result("guess", await new GuessScenario(new Uri(r.GetValue(url)!),
    r.GetValue(serverB) is { Length: > 0 } b ? new Uri(b) : null, System.Net.IPAddress.Parse(r.GetValue(guessFrom)!),
    r.GetValue(guessSessions), r.GetValue(guessConnections), r.GetValue(joinsPer)).RunAsync(r.GetValue(duration), ct)));

var startup = new Command("startup", "Starts the server and times it to its first accepted WebSocket.") { server, port };
startup.SetAction(async (r, ct) => Report.Result("startup", await new StartupScenario(r.GetValue(server)!, r.GetValue(port)).RunAsync(ct)));

var batch = new Option<int>("--batch") { Description = "floor: messages per write.", DefaultValueFactory = _ => 1 };
var readerSpins = new Option<bool>("--reader-spins") { Description = "floor: the reader polls epoll without sleeping, so no write has to wake it." };
var floorConnections = new Option<int>("--connections") { Description = "Connections.", DefaultValueFactory = _ => 600 };
var floorRate = new Option<double>("--rate") { Description = "Messages per second in all.", DefaultValueFactory = _ => 12000 };
var floor = new Command("floor", "No relay: what the kernel charges a writer and a reader per 1 KB message on loopback (the floor under CPU per delivery).")
{
    floorConnections, floorRate, payload, batch, readerSpins, warmup, duration,
};
floor.SetAction(r => Report.Result("floor", new FloorScenario(r.GetValue(floorConnections), r.GetValue(floorRate), r.GetValue(payload), r.GetValue(batch), r.GetValue(readerSpins))
    .Run(r.GetValue(warmup), r.GetValue(duration))));

var root = new RootCommand("SFA Mirror relay load generator. Ends every run with one line: RESULT {json}.") { fanout, idle, churn, storm, guess, startup, floor };
ThreadPool.SetMinThreads(Environment.ProcessorCount * 4, Environment.ProcessorCount * 4);
return await root.Parse(args).InvokeAsync();

static string Describe(Dictionary<string, object?> r) =>
    $"fanout: {r["sessions"]}x(1+{r["viewers"]}) at {r["rate_per_host"]}/s per host: {r["deliveries_per_s"]} deliveries/s, " +
    $"latency p50 {r["p50_ms"]} p99 {r["p99_ms"]} p99.9 {r["p999_ms"]} max {r["max_ms"]} ms, lost {r["lost"]}, misrouted {r["misrouted"]}, out-of-order {r["out_of_order"]}, " +
    ((int)r["connections_ended"]! > 0 ? $"CONNECTIONS ENDED {r["connections_ended"]} ({r["first_end_reason"]}), " : "") +
    ((int)r["viewers_behind"]! > 0 ? $"VIEWERS BEHIND {r["viewers_behind"]} (sessions with all behind {r["sessions_all_viewers_behind"]}), " : "") +
    $"server {r["server_cpu_pct"]}% CPU = {r["server_us_per_delivery"]} us/delivery ({r["server_kernel_us_per_delivery"]} in the kernel), generator {r["generator_cpu_pct"]}% ({r["generator_us_per_delivery"]} us/delivery), " +
    $"pacer lag p99 {r["pacer_lag_p99_ms"]} ms, skipped sends {r["skipped_sends"]}" +
    ((bool)r["generator_saturated"]! ? "  [GENERATOR SATURATED]" : "") + ((bool)r["machine_saturated"]! ? "  [MACHINE SATURATED]" : "");
