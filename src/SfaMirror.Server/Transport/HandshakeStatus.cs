namespace SfaMirror.Server.Transport;

/// <summary>What <see cref="WebSocketHandshake.TryParse"/> made of a connection's first bytes.</summary>
internal enum HandshakeStatus
{
    /// <summary>So far a prefix of a request the fast path may take.</summary>
    NeedMore,
    /// <summary>For the HTTP pipeline.</summary>
    NotOurs,
    /// <summary>A WebSocket upgrade the relay answers itself.</summary>
    Upgrade,
}
