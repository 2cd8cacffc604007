namespace SfaMirror.Server.Transport;

/// <summary>What <see cref="WebSocketHandshake.TryParse"/> made of a connection's first bytes.</summary>
internal enum HandshakeStatus
{
    /// <summary>So far a prefix of a request the fast path may take.</summary>
    NeedMore,
    /// <summary>Not a WebSocket upgrade of a relay path (or one the fast path leaves alone): for the HTTP pipeline.</summary>
    NotOurs,
    /// <summary>A WebSocket upgrade the relay answers itself.</summary>
    Upgrade,
    /// <summary>A WebSocket upgrade that breaks RFC 6455 4.2.1 (key, Host, Connection, method, HTTP version): 400.</summary>
    BadRequest,
    /// <summary>A WebSocket upgrade of a version other than 13 (RFC 6455 4.2.2): 426 with the version we speak.</summary>
    UpgradeRequired,
    /// <summary>The request was not complete within <c>HandshakeTimeoutSeconds</c>.</summary>
    TimedOut,
}
