using System.CommandLine;
using SfaMirror.Client;

namespace SfaMirror.Cli.Commands;

/// <summary><c>sfa-mirror create</c>: creates a session as its host and prints what happens in it; lines typed on
/// standard input are host commands (<see cref="HostConsoleCommands"/>).</summary>
internal static class CreateCommand
{
    public static Command Build(CliConsole console)
    {
        var connection = new ConnectionOptions();
        var exit = new Option<bool>("--exit") { Description = "Exit right after creating (the session stays joinable for the grace period)" };
        var token = new Option<string?>("--token") { Description = "A host token (JWT), for a relay that checks them" };
        var e2e = new Option<bool>("--e2e") { Description = "End-to-end encrypted: pair with each viewer (6-digit comparison) and seal every state" };
        var admission = new Option<string?>("--admission") { Description = "host: admit each viewer yourself (always so with --e2e)" };
        admission.AcceptOnlyFromAmong("host", "open");
        var readOnly = new Option<bool>("--read-only") { Description = "Viewers may not set the customer or product" };
        var command = new Command("create", "Create a session as its host; print its code, then its events, until Ctrl+C or end of input. " + HostConsoleCommands.Help);
        connection.AddTo(command);
        command.Add(exit);
        command.Add(token);
        command.Add(e2e);
        command.Add(admission);
        command.Add(readOnly);
        command.SetAction((parse, cancellationToken) =>
        {
            var url = parse.GetRequiredValue(connection.Url);
            return CommandRunner.RunAsync(console, url, async () =>
            {
                await using var client = new MirrorClient(connection.ClientOptions(parse, reconnect: true, heartbeat: true));
                var watcher = new SessionWatcher(client, console);
                await client.ConnectAsync(cancellationToken);
                var created = await client.CreateSessionAsync(new CreateSessionOptions
                {
                    HostToken = parse.GetValue(token),
                    Encrypted = parse.GetValue(e2e),
                    HostAdmission = parse.GetValue(admission) == "host",
                    ReadOnlyViewers = parse.GetValue(readOnly),
                }, cancellationToken);
                console.WriteLine(JsonLines.Created(created, client.ContentKey));
                watcher.Start();
                if (parse.GetValue(exit))
                {
                    return 0;
                }
                console.Say($"session {created.SessionId} created; join it with: sfa-mirror join {created.SessionId}");
                var commands = new HostConsoleCommands(client, console, url, cancellationToken);
                if (!await watcher.WaitAsync(cancellationToken, commands.RunAsync))
                {
                    await CommandRunner.LeaveQuietlyAsync(client);
                }
                return 0;
            }, cancellationToken);
        });
        return command;
    }
}
