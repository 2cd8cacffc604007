using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace SfaMirror.Server.Transport;

/// <summary>
/// Kestrel connection middleware that terminates the relay's WebSocket upgrades itself, before HTTP.
/// A WebSocket upgraded through the HTTP pipeline keeps, for its whole life, the HTTP request it arrived
/// on (HttpContext, the HTTP/1.1 connection's state, request and response headers, body streams) and
/// writes every frame through HTTP's output path; for a relay whose connections are idle screens that
/// live for hours, that was a third of the memory of each and about 13 % of the CPU of every delivery
/// (docs/performance.md). Here the first bytes are parsed once; a plain upgrade of <c>/</c> or
/// <c>/ws</c> is answered with its 101 and the relay's own WebSocket (<see cref="RelayConnection"/>)
/// runs straight on the connection.
/// Everything else (pages, /metrics, odd or unusual upgrades, a server shutting down) goes, untouched,
/// to the HTTP pipeline, which still has its own WebSocket path.
/// </summary>
internal sealed class WebSocketConnectionMiddleware(ConnectionDelegate next, RelayWebSocketEndpoint endpoint)
{
    /// <summary>A client that opened a connection but has not finished its request head by then goes to HTTP, with HTTP's own limits.</summary>
    private static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(10);

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        if (await ReadUpgradeAsync(connection.Transport.Input).ConfigureAwait(false) is not { } acceptKey)
        {
            await next(connection).ConfigureAwait(false);
            return;
        }

        // A plain TCP connection's frames go to its socket directly (RelayConnection.Send.cs); the 101 too,
        // so that it cannot be overtaken by a frame. Behind TLS or any other layer, everything uses the pipes.
        var socket = connection.Features.Get<ITlsHandshakeFeature>() is null ? connection.Features.Get<IConnectionSocketFeature>()?.Socket : null;
        var response = new byte[WebSocketHandshake.MaxResponseBytes];
        var length = WebSocketHandshake.WriteResponse(acceptKey, response);
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
        await endpoint.RunAsync(connection.Transport, remote, connection.Abort, socket).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the request head. Returns the Sec-WebSocket-Accept value when the relay takes the connection,
    /// with the head consumed; otherwise null with nothing consumed, and examined no further than the
    /// pipe requires, so that HTTP's first read returns the same bytes at once.
    /// </summary>
    private async Task<string?> ReadUpgradeAsync(PipeReader input)
    {
        using var timeout = new CancellationTokenSource(HeadTimeout);
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
                return null;
            }
            var buffer = result.Buffer;
            var status = WebSocketHandshake.TryParse(buffer, out var headLength, out var acceptKey);
            if (status == HandshakeStatus.NeedMore && !result.IsCompleted && !result.IsCanceled)
            {
                // A position, once examined, may not be examined again: remember it for the hand-over to HTTP.
                examined = buffer.End;
                input.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }
            if (status != HandshakeStatus.Upgrade || !endpoint.Accepting)
            {
                input.AdvanceTo(buffer.Start, examined ?? buffer.Start);
                return null;
            }
            input.AdvanceTo(buffer.GetPosition(headLength));
            return acceptKey;
        }
    }
}
