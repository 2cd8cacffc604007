using System.CommandLine;
using System.Text.Json;
using SfaMirror.Client;

namespace SfaMirror.Cli.Commands;

/// <summary>
/// <c>sfa-mirror send customer|product PAYLOAD --session CODE</c>: joins the session (as a viewer, or as the host
/// with <c>--resume-token</c>), sets the state, prints the ACK and leaves.
/// </summary>
internal static class SendCommand
{
    public static Command Build(CliConsole console)
    {
        var connection = new ConnectionOptions();
        var kind = new Argument<string>("kind") { Description = "customer or product" };
        kind.AcceptOnlyFromAmong("customer", "product");
        var payload = new Argument<string>("payload") { Description = "The state as JSON, @file.json to read a file, or - to read standard input" };
        var session = new Option<string>("--session") { Description = "The session code", Required = true };
        var resumeToken = new Option<string?>("--resume-token")
        {
            Description = "Send as the host; a host connected elsewhere is disconnected (close 4000), as the protocol says",
        };
        var contentKey = new Option<string?>("--content-key")
        {
            Description = "With --resume-token in an encrypted session: the content key that create printed, to seal the state",
        };
        var generation = new Option<long>("--generation") { Description = "The content key's generation (create printed it)", DefaultValueFactory = _ => 0 };
        var command = new Command("send", "Set a session's customer or product and print the ACK");
        connection.AddTo(command);
        command.Add(kind);
        command.Add(payload);
        command.Add(session);
        command.Add(resumeToken);
        command.Add(contentKey);
        command.Add(generation);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var url = parse.GetRequiredValue(connection.Url);
            JsonElement state;
            try
            {
                state = await ReadPayloadAsync(parse.GetRequiredValue(payload), console, cancellationToken);
            }
            catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
            {
                console.Say($"error: the payload is not usable JSON: {ex.Message}");
                return CommandRunner.Usage;
            }
            return await CommandRunner.RunAsync(console, url, async () =>
            {
                await using var client = new MirrorClient(connection.ClientOptions(parse, reconnect: false, heartbeat: false));
                await client.ConnectAsync(cancellationToken);
                var joined = await client.JoinSessionAsync(new JoinOptions
                {
                    SessionId = parse.GetRequiredValue(session),
                    ResumeToken = parse.GetValue(resumeToken),
                    ContentKey = parse.GetValue(contentKey),
                    Generation = parse.GetValue(contentKey) is null ? null : parse.GetValue(generation),
                }, cancellationToken);
                console.Say($"joined {joined.SessionId} as {joined.Role}");
                var which = parse.GetRequiredValue(kind);
                var delivered = which == "customer"
                    ? await client.SendCustomerAsync(state, cancellationToken)
                    : await client.SendProductAsync(state, cancellationToken);
                console.WriteLine(JsonLines.Ack(joined.SessionId, which, delivered));
                await client.LeaveSessionAsync(cancellationToken);
                return 0;
            }, cancellationToken);
        });
        return command;
    }

    /// <summary>The payload argument as JSON: inline, <c>@path</c>, or <c>-</c> for standard input. Numbers keep their text.</summary>
    private static async Task<JsonElement> ReadPayloadAsync(string argument, CliConsole console, CancellationToken cancellationToken)
    {
        var text = argument switch
        {
            "-" => await console.Input.ReadToEndAsync(cancellationToken),
            ['@', .. var path] => await File.ReadAllTextAsync(path, cancellationToken),
            _ => argument,
        };
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
