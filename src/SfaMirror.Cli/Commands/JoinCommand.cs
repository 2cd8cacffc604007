using System.CommandLine;
using SfaMirror.Client;

namespace SfaMirror.Cli.Commands;

/// <summary><c>sfa-mirror join CODE</c>: joins a session and prints its state and every update as it arrives.</summary>
internal static class JoinCommand
{
    public static Command Build(CliConsole console)
    {
        var connection = new ConnectionOptions();
        var code = new Argument<string>("code") { Description = "The session code" };
        var resumeToken = new Option<string?>("--resume-token") { Description = "Join as the host (takes the role over from another connection)" };
        var command = new Command("join", "Join a session; print its state and updates as JSON lines, until Ctrl+C, end of input or the session's end");
        connection.AddTo(command);
        command.Add(code);
        command.Add(resumeToken);
        command.SetAction((parse, cancellationToken) =>
        {
            var url = parse.GetRequiredValue(connection.Url);
            return CommandRunner.RunAsync(console, url, async () =>
            {
                await using var client = new MirrorClient(connection.ClientOptions(parse, reconnect: true, heartbeat: true));
                var watcher = new SessionWatcher(client, console);
                await client.ConnectAsync(cancellationToken);
                // The state that follows SESSION_JOINED is printed by the watcher, after this line.
                var joined = await client.JoinSessionAsync(parse.GetRequiredValue(code), parse.GetValue(resumeToken), cancellationToken);
                console.WriteLine(JsonLines.Joined(joined));
                watcher.Start();
                if (!await watcher.WaitAsync(cancellationToken))
                {
                    await CommandRunner.LeaveQuietlyAsync(client);
                }
                return 0;
            }, cancellationToken);
        });
        return command;
    }
}
