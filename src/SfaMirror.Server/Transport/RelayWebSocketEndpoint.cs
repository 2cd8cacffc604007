using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SfaMirror.Server.Observability;

using SfaMirror.Server.Sessions;

namespace SfaMirror.Server.Transport;

/// <summary>
/// Runs accepted WebSocket connections. Most are upgraded by <see cref="WebSocketConnectionMiddleware"/>
/// before HTTP; <see cref="HandleAsync"/> takes the upgrades that reached the HTTP pipeline (one sent on a
/// connection that already carried an HTTP request, say). Either way the connection ends up as a
/// <see cref="RelayConnection"/> over a pair of pipes.
/// </summary>
internal sealed partial class RelayWebSocketEndpoint(
    ConnectionTracker tracker,
    IConnectionHandlerFactory handlers,
    IOptions<TransportOptions> options,
    RelayMetrics metrics,
    IHostApplicationLifetime lifetime,
    UpgradeAdmission admission,
    ILogger<RelayConnection> logger)
{
    private readonly TransportOptions _options = options.Value;

    /// <summary>Whether a new connection may be accepted: not once shutdown began.</summary>
    public bool Accepting => !lifetime.ApplicationStopping.IsCancellationRequested;

    /// <summary>How long a new connection may take to send its whole request head.</summary>
    public TimeSpan HandshakeTimeout => TimeSpan.FromSeconds(_options.HandshakeTimeoutSeconds);

    /// <summary>
    /// Whether an HTTP request asks for a WebSocket (<c>Upgrade: websocket</c>), valid or not: such a request is
    /// answered by <see cref="HandleAsync"/>, with an upgrade or a refusal, and never by a page.
    /// </summary>
    public static bool IsUpgradeRequest(HttpRequest request)
    {
        foreach (var value in request.Headers.Upgrade)
        {
            if (value is not null && UpgradeRequest.HasToken(Encoding.ASCII.GetBytes(value), "websocket"u8))
            {
                return true;
            }
        }
        return false;
    }

    public async Task HandleAsync(HttpContext context)
    {
        if (!Accepting)
        {
            // Shutting down: a client that reconnects now must go to the next server, not to this one,
            // where Kestrel's stop would hold its connection open until the host's shutdown timeout.
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        var request = context.Request;
        if (request.Path.Value is not ("/" or "/ws" or ""))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        // The same rules as the fast path's (RFC 6455 4.2.1, 4.2.2).
        var headers = new UpgradeRequest();
        foreach (var name in UpgradeRequest.HeaderNames)
        {
            foreach (var value in request.Headers[name])
            {
                headers.Add(name, value);
            }
        }
        var verdict = headers.Verdict(HttpMethods.IsGet(request.Method), HttpProtocol.IsHttp11(request.Protocol));
        if (verdict == HandshakeStatus.UpgradeRequired)
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            context.Response.Headers.SecWebSocketVersion = "13";
            context.Response.Headers.Upgrade = "websocket";
            return;
        }
        if (verdict != HandshakeStatus.Upgrade || context.Features.Get<IHttpUpgradeFeature>() is not { IsUpgradableRequest: true } upgrade)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        var peer = context.Connection.RemoteIpAddress ?? IPAddress.None;
        var admitted = admission.Admit(peer, headers);
        if (admitted.Lease is null)
        {
            context.Response.StatusCode = admitted.StatusCode;
            if (admitted.RetryAfterSeconds > 0)
            {
                context.Response.Headers.RetryAfter = admitted.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            return;
        }
        using var lease = admitted.Lease;
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers.SecWebSocketAccept = WebSocketHandshake.AcceptKey(context.Request.Headers.SecWebSocketKey.ToString());
        var stream = await upgrade.UpgradeAsync().ConfigureAwait(false);
        var pipe = new StreamDuplexPipe(
            PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true)),
            PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)));
        await RunAsync(pipe, $"{peer}:{context.Connection.RemotePort}", admitted.ClientAddress, headers.UserAgent ?? "", context.Abort).ConfigureAwait(false);
    }

    /// <summary>Runs a connection whose opening handshake is done until it closes.</summary>
    /// <param name="abortTransport">Cuts the underlying connection.</param>
    /// <param name="socket">The connection's socket, when frames may be written to it directly.</param>
    /// <param name="userAgent">The upgrade's <c>User-Agent</c> (<see cref="UserAgents"/>), "" when none.</param>
    /// <param name="clientAddress">The client's address as the limits key it (<see cref="AddressKey"/>), proxies resolved.</param>
    public async Task RunAsync(IDuplexPipe transport, string remote, string clientAddress, string userAgent, Action abortTransport, Socket? socket = null)
    {
        using var connection = new RelayConnection(tracker.NextId(), remote, clientAddress, userAgent, transport, _options, metrics, logger, abortTransport, socket);
        tracker.Add(connection);
        metrics.ConnectionOpened();
        Log.Opened(logger, connection.Id, remote);
        try
        {
            await connection.RunAsync(handlers.Create(connection)).ConfigureAwait(false);
        }
        finally
        {
            tracker.Remove(connection);
            metrics.ConnectionClosed();
            Log.Closed(logger, connection.Id, remote, connection.CloseStatus is { } s ? (int)s : null);
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
