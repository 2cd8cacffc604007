using System.Globalization;
using SfaMirror.Client;

namespace SfaMirror.Cli.Commands;

/// <summary>
/// The lines a host types while <c>sfa-mirror create</c> runs: <c>admit ID</c>, <c>deny ID</c>, <c>kick ID</c>,
/// <c>lock</c>, <c>unlock</c>, <c>link [SECONDS [USES]]</c>, <c>customer JSON</c>, <c>product JSON</c> (sealed in an encrypted
/// session: only the host holds the key, so this is how a terminal sets an encrypted session's state). Each prints its outcome as a JSON line; a refusal is
/// said on standard error and the session goes on.
/// </summary>
internal sealed class HostConsoleCommands(MirrorClient client, CliConsole console, Uri relay, CancellationToken cancellationToken)
{
    public const string Help = "commands: admit ID | deny ID | kick ID | lock | unlock | link [SECONDS [USES]] | customer JSON | product JSON";

    public async Task RunAsync(string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 0)
        {
            return;
        }
        try
        {
            if (words[0] is "customer" or "product" && words.Length > 1)
            {
                await SendStateAsync(words[0], line.Trim()[words[0].Length..]).ConfigureAwait(false);
                return;
            }
            switch (words[0], words.Length)
            {
                case ("admit", 2):
                    await client.AdmitAsync(words[1], cancellationToken).ConfigureAwait(false);
                    console.WriteLine(JsonLines.Done("admitted", words[1]));
                    break;
                case ("deny", 2):
                    await client.DenyAsync(words[1], cancellationToken).ConfigureAwait(false);
                    console.WriteLine(JsonLines.Done("denied", words[1]));
                    break;
                case ("kick", 2):
                    await client.KickAsync(words[1], cancellationToken).ConfigureAwait(false);
                    console.WriteLine(JsonLines.Done("kicked", words[1]));
                    break;
                case ("lock", 1):
                    await client.LockAsync(cancellationToken).ConfigureAwait(false);
                    console.WriteLine(JsonLines.Done("locked", null));
                    break;
                case ("unlock", 1):
                    await client.UnlockAsync(cancellationToken).ConfigureAwait(false);
                    console.WriteLine(JsonLines.Done("unlocked", null));
                    break;
                case ("link", <= 3):
                    TimeSpan? ttl = words.Length > 1 ? TimeSpan.FromSeconds(int.Parse(words[1], CultureInfo.InvariantCulture)) : null;
                    int? uses = words.Length > 2 ? int.Parse(words[2], CultureInfo.InvariantCulture) : null;
                    var link = await client.CreateJoinLinkAsync(ttl, uses, cancellationToken).ConfigureAwait(false);
                    console.WriteLine(JsonLines.Link(link, link.Link.ToUri(ConsolePage(relay))));
                    break;
                default:
                    console.Say(Help);
                    break;
            }
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException)
        {
            console.Say(Help);
        }
        catch (MirrorException ex)
        {
            console.Say($"error: {ex.Code}: {ex.Message}");
        }
    }

    private async Task SendStateAsync(string kind, string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var delivered = kind == "customer"
            ? await client.SendCustomerAsync(document.RootElement, cancellationToken).ConfigureAwait(false)
            : await client.SendProductAsync(document.RootElement, cancellationToken).ConfigureAwait(false);
        console.WriteLine(JsonLines.Ack(client.SessionId!, kind, delivered));
    }

    /// <summary>The relay's browser console, where a join link points: the relay's address over HTTP.</summary>
    public static Uri ConsolePage(Uri relay) => new UriBuilder(relay)
    {
        Scheme = relay.Scheme == "wss" ? "https" : "http",
        Path = "/",
        Port = relay.IsDefaultPort ? -1 : relay.Port,
    }.Uri;
}
