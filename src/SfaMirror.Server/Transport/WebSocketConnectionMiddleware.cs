using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using SfaMirror.Server.Observability;

namespace SfaMirror.Server.Transport;

/// <summary>
/// Kestrel connection middleware that terminates the relay's WebSocket upgrades itself, before HTTP.
/// A WebSocket upgraded through the HTTP pipeline keeps, for its whole life, the HTTP request it arrived
/// on (HttpContext, the HTTP/1.1 connection's state, request and response headers, body streams) and
/// writes every frame through HTTP's output path, which for idle screens that live for hours costs memory
/// per connection and CPU per delivery (docs/performance-log.md has the measurements). Here the first bytes are parsed once; a plain upgrade of <c>/</c> or
/// <c>/ws</c> is answered with its 101 and the relay's own WebSocket (<see cref="RelayConnection"/>)
/// runs straight on the connection.
/// An upgrade that breaks RFC 6455 is refused here (400, or 426 for another version) and the connection
/// closed. Everything else (pages, /metrics, requests in unusual HTTP syntax, a server shutting down) goes,
/// untouched, to the HTTP pipeline, which still has its own WebSocket path. A connection whose request head is
/// not complete within <c>HandshakeTimeoutSeconds</c> is cut: this reads before any of Kestrel's timeouts apply.
/// </summary>
internal sealed class WebSocketConnectionMiddleware(ConnectionDelegate next, RelayWebSocketEndpoint endpoint, UpgradeAdmission admission, ManagementPort management)
{
    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        if (management.IsManagementConnection(connection.LocalEndPoint))
        {
            // The operator's listener is plain HTTP; its pipeline refuses anything but the operator endpoints.
            await next(connection).ConfigureAwait(false);
            return;
        }
        var (status, acceptKey, request) = await ReadRequestAsync(connection.Transport.Input).ConfigureAwait(false);
        switch (status)
        {
            case HandshakeStatus.Upgrade:
                break;
            case HandshakeStatus.TimedOut:
                connection.Abort();
                return;
            case HandshakeStatus.BadRequest or HandshakeStatus.UpgradeRequired:
                // Kestrel sends what was written before it closes the connection once this returns.
                connection.Transport.Output.Write(WebSocketHandshake.Refusal(status));
                await connection.Transport.Output.FlushAsync().ConfigureAwait(false);
                return;
            default:
                await next(connection).ConfigureAwait(false);
                return;
        }

        var peer = (connection.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        var admitted = admission.Admit(peer, request);
        if (admitted.Lease is null)
        {
            connection.Transport.Output.Write(WebSocketHandshake.Refusal(admitted.StatusCode, admitted.RetryAfterSeconds));
            await connection.Transport.Output.FlushAsync().ConfigureAwait(false);
            return;
        }
        using var lease = admitted.Lease;

        // A plain TCP connection's frames go to its socket directly (RelayConnection.Send.cs); the 101 too,
        // so that it cannot be overtaken by a frame. Behind TLS or any other layer, everything uses the pipes.
        var socket = connection.Features.Get<ITlsHandshakeFeature>() is null ? connection.Features.Get<IConnectionSocketFeature>()?.Socket : null;
        var response = new byte[WebSocketHandshake.MaxResponseBytes];
        var length = WebSocketHandshake.WriteResponse(acceptKey!, response);
        if (socket is not null)
        {
            socket.Blocking = false;
            if (socket.Send(response.AsSpan(0, length), SocketFlags.None, out _) != length)
            {
                connection.Abort();
                return;
            }
        }
        else
        {
            await connection.Transport.Output.WriteAsync(response.AsMemory(0, length)).ConfigureAwait(false);
        }
        var remote = connection.RemoteEndPoint is IPEndPoint ip ? $"{ip.Address}:{ip.Port}" : connection.RemoteEndPoint?.ToString() ?? "unknown";
        await endpoint.RunAsync(connection.Transport, remote, admitted.ClientAddress, request.UserAgent ?? "", connection.Abort, socket).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the request head. On <see cref="HandshakeStatus.Upgrade"/> (with the Sec-WebSocket-Accept value) and on a
    /// refusal the head is consumed; for HTTP nothing is consumed and nothing examined further than the pipe
    /// requires, so that HTTP's first read returns the same bytes at once.
    /// </summary>
    private async Task<(HandshakeStatus Status, string? AcceptKey, UpgradeRequest Request)> ReadRequestAsync(PipeReader input)
    {
        using var timeout = new CancellationTokenSource(endpoint.HandshakeTimeout);
        SequencePosition? examined = null;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return (HandshakeStatus.TimedOut, null, default);
            }
            var buffer = result.Buffer;
            var status = WebSocketHandshake.TryParse(buffer, out var headLength, out var acceptKey, out var request);
            if (status == HandshakeStatus.NeedMore && !result.IsCompleted && !result.IsCanceled)
            {
                // A position, once examined, may not be examined again: remember it for the hand-over to HTTP.
                examined = buffer.End;
                input.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }
            if (status is HandshakeStatus.BadRequest or HandshakeStatus.UpgradeRequired)
            {
                input.AdvanceTo(buffer.GetPosition(headLength));
                return (status, null, default);
            }
            if (status != HandshakeStatus.Upgrade || !endpoint.Accepting)
            {
                input.AdvanceTo(buffer.Start, examined ?? buffer.Start);
                return (HandshakeStatus.NotOurs, null, default);
            }
            input.AdvanceTo(buffer.GetPosition(headLength));
            return (status, acceptKey, request);
        }
    }
}
