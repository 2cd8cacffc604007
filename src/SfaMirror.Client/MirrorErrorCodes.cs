namespace SfaMirror.Client;

/// <summary>The codes the client raises itself; the server's codes (PROTOCOL.md, Errors) come through unchanged.</summary>
public static class MirrorErrorCodes
{
    /// <summary>No reply within <see cref="MirrorClientOptions.RequestTimeout"/>.</summary>
    public const string Timeout = "TIMEOUT";

    /// <summary>The connection dropped while the request waited for its reply; it may or may not have been carried out.</summary>
    public const string ConnectionLost = "CONNECTION_LOST";

    /// <summary>The client is closed (disposed, never connected, or reconnection is off).</summary>
    public const string Closed = "CLOSED";

    /// <summary>A frame from the server that is not a protocol message: it is skipped, the connection stays.</summary>
    public const string MalformedMessage = "MALFORMED_MESSAGE";

    /// <summary>A rejoin after a reconnect was refused for another reason than an unknown session.</summary>
    public const string RejoinFailed = "REJOIN_FAILED";
}
