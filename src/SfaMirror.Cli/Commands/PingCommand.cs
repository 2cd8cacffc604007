using System.CommandLine;
using SfaMirror.Client;

namespace SfaMirror.Cli.Commands;

/// <summary><c>sfa-mirror ping</c>: application-level round trips to the relay.</summary>
internal static class PingCommand
{
    public static Command Build(CliConsole console)
    {
        var connection = new ConnectionOptions();
        var count = new Option<int>("--count", "-c") { Description = "How many pings", DefaultValueFactory = _ => 1 };
        var interval = new Option<int>("--interval") { Description = "Milliseconds between pings", DefaultValueFactory = _ => 1000 };
        count.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--count must be at least 1");
            }
        });
        interval.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
            {
                r.AddError("--interval must not be negative");
            }
        });
        var command = new Command("ping", "Measure round trips (PING to PONG) to the relay");
        connection.AddTo(command);
        command.Add(count);
        command.Add(interval);
        command.SetAction((parse, cancellationToken) =>
        {
            var url = parse.GetRequiredValue(connection.Url);
            return CommandRunner.RunAsync(console, url, async () =>
            {
                await using var client = new MirrorClient(connection.ClientOptions(parse, reconnect: false, heartbeat: false));
                await client.ConnectAsync(cancellationToken);
                var rtts = new List<TimeSpan>();
                var total = parse.GetValue(count);
                for (var i = 1; i <= total; i++)
                {
                    if (i > 1)
                    {
                        await Task.Delay(parse.GetValue(interval), cancellationToken);
                    }
                    var rtt = await client.PingAsync(cancellationToken);
                    rtts.Add(rtt);
                    console.WriteLine(JsonLines.Pong(i, rtt));
                }
                if (total > 1)
                {
                    console.WriteLine(JsonLines.PingSummary(rtts));
                }
                return 0;
            }, cancellationToken);
        });
        return command;
    }
}
