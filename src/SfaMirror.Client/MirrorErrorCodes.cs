namespace SfaMirror.Client;

/// <summary>The codes the client raises itself; the server's codes (docs/protocol.md, "Errors") come through unchanged.</summary>
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

    /// <summary>The server answered a request with a message of another type than the protocol says.</summary>
    public const string UnexpectedReply = "UNEXPECTED_REPLY";

    /// <summary>The first connection could not be opened (<see cref="MirrorClient.ConnectAsync"/>).</summary>
    public const string ConnectFailed = "CONNECT_FAILED";

    /// <summary>Another connection took the host role with the resume token; this client stops rather than take it back.</summary>
    public const string HostResumedElsewhere = "HOST_RESUMED_ELSEWHERE";

    /// <summary>An event handler threw; the exception is the inner exception.</summary>
    public const string ListenerError = "LISTENER_ERROR";

    /// <summary>A rejoin after a reconnect was refused for another reason than an unknown session.</summary>
    public const string RejoinFailed = "REJOIN_FAILED";

    /// <summary>A waiting join was refused by the host or timed out (<see cref="Events.JoinDeniedEvent"/>); the message says which.</summary>
    public const string JoinDenied = "JOIN_DENIED";

    /// <summary>An encrypted session's state could not be sealed or opened: this member has no content key (yet).</summary>
    public const string NoContentKey = "NO_CONTENT_KEY";

    /// <summary>A state asked for in an encrypted session does not open with this member's keys.</summary>
    public const string Undecryptable = "UNDECRYPTABLE";

    /// <summary>An end-to-end pairing signal could not be used (a bad point, a key that does not open); skipped.</summary>
    public const string PairingFailed = "PAIRING_FAILED";

    // The server's codes (docs/protocol.md, "Errors"), for comparing MirrorException.Code.
    public const string SessionNotFound = "SESSION_NOT_FOUND";
    public const string SessionFull = "SESSION_FULL";
    public const string NotHost = "NOT_HOST";
    public const string NotAllowed = "NOT_ALLOWED";
    public const string AuthRequired = "AUTH_REQUIRED";
    public const string AuthInvalid = "AUTH_INVALID";
    public const string HostSessionLimit = "HOST_SESSION_LIMIT";
    public const string MemberNotFound = "MEMBER_NOT_FOUND";
    public const string SessionLocked = "SESSION_LOCKED";
    public const string Kicked = "KICKED";
    public const string JoinKeyInvalid = "JOIN_KEY_INVALID";
    public const string JoinKeyRequired = "JOIN_KEY_REQUIRED";
    public const string E2eRequired = "E2E_REQUIRED";
}
