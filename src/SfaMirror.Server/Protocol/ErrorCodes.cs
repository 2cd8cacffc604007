namespace SfaMirror.Server.Protocol;

/// <summary>
/// The <c>ERROR</c> codes of docs/protocol.md ("Errors") and their messages. Where the original Node.js server had
/// a message, its words are kept so that old apps showing it keep showing the same text.
/// </summary>
internal static class ErrorCodes
{
    public const string InvalidJson = "INVALID_JSON";
    public const string InvalidMessage = "INVALID_MESSAGE";
    public const string UnknownType = "UNKNOWN_TYPE";
    public const string SessionIdRequired = "SESSION_ID_REQUIRED";
    public const string SessionNotFound = "SESSION_NOT_FOUND";
    public const string NotInSession = "NOT_IN_SESSION";
    public const string NotHost = "NOT_HOST";
    public const string SessionFull = "SESSION_FULL";
    public const string ServerBusy = "SERVER_BUSY";
    public const string UnsupportedFrame = "UNSUPPORTED_FRAME";
    public const string RateLimited = "RATE_LIMITED";
    /// <summary>The session store (Redis) cannot be reached; the request was not carried out.</summary>
    public const string StoreUnavailable = "STORE_UNAVAILABLE";
    /// <summary>The relay requires a host token and none was given.</summary>
    public const string AuthRequired = "AUTH_REQUIRED";
    /// <summary>The host token was refused; the message says why.</summary>
    public const string AuthInvalid = "AUTH_INVALID";
    /// <summary>A viewer's update in a session whose viewers are read-only.</summary>
    public const string NotAllowed = "NOT_ALLOWED";
    /// <summary>The token's subject already hosts <c>MaxSessionsPerHost</c> live sessions.</summary>
    public const string HostSessionLimit = "HOST_SESSION_LIMIT";
    /// <summary>A host control or signal names a member that is not in the session (or not waiting).</summary>
    public const string MemberNotFound = "MEMBER_NOT_FOUND";
    public const string SessionLocked = "SESSION_LOCKED";
    /// <summary>A connection the host kicked (or denied) joins that session again.</summary>
    public const string Kicked = "KICKED";
    public const string JoinKeyInvalid = "JOIN_KEY_INVALID";
    public const string JoinKeyRequired = "JOIN_KEY_REQUIRED";
    public const string E2ERequired = "E2E_REQUIRED";

    public static string DefaultMessage(string code) => code switch
    {
        InvalidJson => "Invalid message format",
        InvalidMessage => "Invalid message",
        UnknownType => "Unknown message type",
        SessionIdRequired => "Session ID is required",
        SessionNotFound => "Invalid session ID",
        NotInSession => "Not a member of this session",
        NotHost => "Only the host can end the session",
        SessionFull => "Session is full",
        ServerBusy => "Server is busy, try again later",
        UnsupportedFrame => "Binary frames are not supported",
        RateLimited => "Too many messages",
        StoreUnavailable => "Session store is unavailable, try again shortly",
        AuthRequired => "A host token is required",
        AuthInvalid => "The host token is invalid",
        NotAllowed => "Viewers may not update this session",
        HostSessionLimit => "Too many live sessions for this host",
        MemberNotFound => "No such member in this session",
        SessionLocked => "Session is locked",
        Kicked => "Removed from this session by its host",
        JoinKeyInvalid => "Join link is invalid or expired",
        JoinKeyRequired => "Join with a link",
        E2ERequired => "Sessions on this relay must be end-to-end encrypted",
        _ => "Error",
    };
}
