using System.CommandLine;
using SfaMirror.Client;

namespace SfaMirror.Cli.Commands;

/// <summary><c>sfa-mirror join CODE</c> or <c>join --link URL</c>: joins a session and prints its state and every update
/// as it arrives; in an encrypted session first the 6-digit string to compare with the host's screen.</summary>
internal static class JoinCommand
{
    public static Command Build(CliConsole console)
    {
        var connection = new ConnectionOptions();
        var code = new Argument<string?>("code") { Description = "The session code", Arity = ArgumentArity.ZeroOrOne };
        var link = new Option<string?>("--link") { Description = "A join link (…/?join=KEY, with #k=…&g=… for an encrypted session)" };
        var resumeToken = new Option<string?>("--resume-token") { Description = "Join as the host (takes the role over from another connection)" };
        var command = new Command("join", "Join a session; print its state and updates as JSON lines, until Ctrl+C, end of input or the session's end");
        connection.AddTo(command);
        command.Add(code);
        command.Add(link);
        command.Add(resumeToken);
        command.Validators.Add(result =>
        {
            if ((result.GetValue(code) is null) == (result.GetValue(link) is null))
            {
                result.AddError("give either a session code or --link");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var url = parse.GetRequiredValue(connection.Url);
            JoinOptions options;
            try
            {
                options = parse.GetValue(link) is { } text
                    ? JoinOptions.FromLink(JoinLink.Parse(Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : throw new FormatException($"--link is not an address: {text}")))
                    : new JoinOptions { SessionId = parse.GetValue(code), ResumeToken = parse.GetValue(resumeToken) };
            }
            catch (FormatException ex)
            {
                console.Say($"error: {ex.Message}");
                return CommandRunner.Usage;
            }
            return await CommandRunner.RunAsync(console, url, async () =>
            {
                await using var client = new MirrorClient(connection.ClientOptions(parse, reconnect: true, heartbeat: true));
                var watcher = new SessionWatcher(client, console);
                await client.ConnectAsync(cancellationToken);
                // The state that follows SESSION_JOINED is printed by the watcher, after this line; the lines of a join
                // waiting for admission (pending, pairing) are printed as they come.
                var joined = await client.JoinSessionAsync(options, cancellationToken);
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
