using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SfaMirror.Server.Observability;

namespace SfaMirror.Server.Transport;

/// <summary>Accepts a WebSocket upgrade and runs the connection until it closes.</summary>
public sealed partial class RelayWebSocketEndpoint(
    ConnectionTracker tracker,
    IConnectionHandlerFactory handlers,
    IOptions<RelayOptions> options,
    RelayMetrics metrics,
    IHostApplicationLifetime lifetime,
    ILogger<RelayConnection> logger)
{
    private readonly RelayOptions _options = options.Value;

    public async Task HandleAsync(HttpContext context)
    {
        if (!Accepting)
        {
            // Shutting down: a client that reconnects now must go to the next server, not to this one,
            // where Kestrel's stop would hold its connection open until the host's shutdown timeout.
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = _options.KeepAliveInterval,
            KeepAliveTimeout = _options.KeepAliveTimeout,
        }).ConfigureAwait(false);

        var remote = $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";
        var stream = (context.Features.Get<IHttpUpgradeFeature>() as KestrelOwnedUpgradeFeature)?.Stream;
        await RunAsync(socket, remote, stream, context.Abort, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Whether a new connection may be accepted: not once shutdown began.</summary>
    public bool Accepting => !lifetime.ApplicationStopping.IsCancellationRequested;

    /// <summary>
    /// Runs an accepted WebSocket until it closes, whichever way it was upgraded (through the HTTP pipeline
    /// above, or by <see cref="WebSocketConnectionMiddleware"/> straight off the connection).
    /// </summary>
    /// <param name="stream">The stream under the WebSocket, drained when the socket ended without a close handshake.</param>
    /// <param name="abortTransport">Cuts the underlying connection.</param>
    /// <param name="connectionClosed">Fires when the connection is gone.</param>
    public async Task RunAsync(WebSocket socket, string remote, Stream? stream, Action abortTransport, CancellationToken connectionClosed)
    {
        await using var connection = new RelayConnection(tracker.NextId(), remote, socket, _options, metrics, logger, abortTransport);
        tracker.Add(connection);
        metrics.ConnectionOpened();
        Log.Opened(logger, connection.Id, remote);
        try
        {
            await connection.RunAsync(handlers.Create(connection), connectionClosed).ConfigureAwait(false);
            if (socket.CloseStatus is null && stream is not null)
            {
                // No close handshake completed (the socket failed a receive, e.g. invalid UTF-8 answered
                // with 1007): let its close frame reach the peer before Kestrel closes the connection.
                await stream.DrainAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            }
        }
        finally
        {
            tracker.Remove(connection);
            metrics.ConnectionClosed();
            Log.Closed(logger, connection.Id, remote, socket.CloseStatus is { } s ? (int)s : null);
        }
    }

    private static partial class Log
    {
        // Debug, not Information: at thousands of connects a second the console would cost more than the relay.
        [LoggerMessage(EventIds.ConnectionOpened, LogLevel.Debug, "Connection {ConnectionId} opened from {RemoteAddress}")]
        public static partial void Opened(ILogger logger, long connectionId, string remoteAddress);

        [LoggerMessage(EventIds.ConnectionClosed, LogLevel.Debug, "Connection {ConnectionId} from {RemoteAddress} closed (status {CloseStatus})")]
        public static partial void Closed(ILogger logger, long connectionId, string remoteAddress, int? closeStatus);
    }
}
