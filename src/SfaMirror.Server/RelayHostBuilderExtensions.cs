using SfaMirror.Server.Transport;
using Microsoft.Extensions.Logging.Console;

namespace SfaMirror.Server;

/// <summary>Host settings: the listening port (<c>PORT</c>, as Railway and Heroku set it), Kestrel limits and logging.</summary>
internal static class RelayHostBuilderExtensions
{
    public static WebApplicationBuilder ConfigureRelayHost(this WebApplicationBuilder builder)
    {
        // TransportOptions.InlineIo, the socket engine's half: it reads this variable once, at the first socket
        // operation, so it is set here, before anything opens one. An explicit setting of the variable wins.
        const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null && builder.Configuration.GetValue($"{RelaySection.Name}:{nameof(TransportOptions.InlineIo)}", true))
        {
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
        }
        // ASPNETCORE_URLS or --urls win when given; otherwise listen on every interface at PORT (default 3000).
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            var port = int.TryParse(Environment.GetEnvironmentVariable("PORT"), out var p) ? p : 3000;
            builder.WebHost.UseUrls($"http://0.0.0.0:{port}");
        }
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
        });
        builder.WebHost.UseSockets(sockets =>
        {
            // A fleet of apps reconnecting after a deploy arrives at once; the default 512 overflows the
            // accept queue and every dropped SYN waits a one-second retransmit (see docs/performance.md).
            sockets.Backlog = 4096;
        });
        // Hosting's request diagnostics start an Activity and a log scope for every request while this
        // category is enabled at all; for a WebSocket that lives for hours that is memory held per
        // connection and CPU on every connect (docs/performance-log.md). Configuration can turn it back on.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        // A log collector that stops reading stdout must not stop the relay. By default the console logger makes
        // a thread that logs wait once its queue is full, and here that thread is an I/O thread serving many
        // connections (InlineIo). Dropping lines instead keeps every session live, and the logger writes how many
        // it dropped once output flows again; Logging:Console:QueueFullMode=Wait brings the blocking back.
        if (builder.Configuration["Logging:Console:QueueFullMode"] is null)
        {
            builder.Services.Configure<ConsoleLoggerOptions>(o => o.QueueFullMode = ConsoleLoggerQueueFullMode.DropWrite);
        }
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        return builder;
    }
}
