using System.CommandLine;
using SfaMirror.Client;

namespace SfaMirror.Cli.Commands;

/// <summary>The options every command has: where the relay is and how long to wait for it.</summary>
internal sealed class ConnectionOptions
{
    public Option<Uri> Url { get; } = new("--url")
    {
        Description = "The relay's WebSocket address",
        DefaultValueFactory = _ => new Uri("ws://localhost:3000"),
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "ws" or "wss")
            {
                return uri;
            }
            result.AddError($"--url must be a ws:// or wss:// address, not '{text}'");
            return null;
        },
    };

    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds to wait for each reply",
        DefaultValueFactory = _ => 10,
    };

    public void AddTo(Command command)
    {
        command.Add(Url);
        command.Add(Timeout);
        Timeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() <= 0)
            {
                result.AddError("--timeout must be more than 0 seconds");
            }
        });
    }

    public MirrorClientOptions ClientOptions(ParseResult parse, bool reconnect, bool heartbeat) => new()
    {
        Url = parse.GetRequiredValue(Url),
        RequestTimeout = TimeSpan.FromSeconds(parse.GetValue(Timeout)),
        HeartbeatInterval = heartbeat ? TimeSpan.FromSeconds(15) : TimeSpan.Zero,
        Reconnect = reconnect ? new ReconnectOptions() : ReconnectOptions.Disabled,
    };
}
