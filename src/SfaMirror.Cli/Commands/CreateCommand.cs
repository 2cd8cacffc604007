using System.CommandLine;
using SfaMirror.Client;

namespace SfaMirror.Cli.Commands;

/// <summary><c>sfa-mirror create</c>: creates a session as its host and prints what happens in it.</summary>
internal static class CreateCommand
{
    public static Command Build(CliConsole console)
    {
        var connection = new ConnectionOptions();
        var exit = new Option<bool>("--exit") { Description = "Exit right after creating (the session stays joinable for the grace period)" };
        var command = new Command("create", "Create a session as its host; print its code, then its events, until Ctrl+C or end of input");
        connection.AddTo(command);
        command.Add(exit);
        command.SetAction((parse, cancellationToken) =>
        {
            var url = parse.GetRequiredValue(connection.Url);
            return CommandRunner.RunAsync(console, url, async () =>
            {
                await using var client = new MirrorClient(connection.ClientOptions(parse, reconnect: true, heartbeat: true));
                var watcher = new SessionWatcher(client, console);
                await client.ConnectAsync(cancellationToken);
                var created = await client.CreateSessionAsync(cancellationToken);
                console.WriteLine(JsonLines.Created(created));
                watcher.Start();
                if (parse.GetValue(exit))
                {
                    return 0;
                }
                console.Say($"session {created.SessionId} created; join it with: sfa-mirror join {created.SessionId}");
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
