using System.Net.WebSockets;
using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Sessions;

/// <summary>A session's view of the connection it talks over: who it is, a send that never waits, and a close.</summary>
internal interface IClientConnection
{
    long Id { get; }

    /// <summary>The peer's address as the transport saw it (<c>address:port</c>).</summary>
    string RemoteAddress { get; }

    /// <summary>
    /// The client's address as the relay trusts it (through <c>KnownProxies</c> only), keyed as the per-address
    /// limits count it: IPv4 /32, IPv6 /64 (<see cref="Backplane.AddressKey"/>).
    /// </summary>
    string ClientAddress { get; }

    /// <summary>The upgrade's <c>User-Agent</c>, cut to 200 characters; "" when none was sent.</summary>
    string UserAgent { get; }

    /// <summary>Queues a frame without waiting. A queue over its byte limit closes the connection (1013).</summary>
    void Send(OutboundFrame frame);

    /// <summary>Starts closing with <paramref name="status"/>; safe from any thread, and only the first call counts.</summary>
    void Close(WebSocketCloseStatus status);
}
