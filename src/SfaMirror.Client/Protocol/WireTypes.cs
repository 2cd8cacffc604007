namespace SfaMirror.Client.Protocol;

/// <summary>The message types of docs/protocol.md ("What clients send", "What the server sends") that the client sends or understands.</summary>
internal static class WireTypes
{
    public const string CreateSession = "CREATE_SESSION";
    public const string JoinSession = "JOIN_SESSION";
    public const string ViewCustomer = "VIEW_CUSTOMER";
    public const string ViewProduct = "VIEW_PRODUCT";
    public const string RequestCustomerUpdate = "REQUEST_CUSTOMER_UPDATE";
    public const string RequestProductUpdate = "REQUEST_PRODUCT_UPDATE";
    public const string LeaveSession = "LEAVE_SESSION";
    public const string EndSession = "END_SESSION";
    public const string Ping = "PING";
    public const string Admit = "ADMIT";
    public const string Deny = "DENY";
    public const string Kick = "KICK";
    public const string LockSession = "LOCK_SESSION";
    public const string UnlockSession = "UNLOCK_SESSION";
    public const string Signal = "SIGNAL";
    public const string CreateJoinLink = "CREATE_JOIN_LINK";

    public const string SessionCreated = "SESSION_CREATED";
    public const string SessionJoined = "SESSION_JOINED";
    public const string PeerJoined = "PEER_JOINED";
    public const string PeerLeft = "PEER_LEFT";
    public const string SessionLeft = "SESSION_LEFT";
    public const string SessionEnded = "SESSION_ENDED";
    public const string Ack = "ACK";
    public const string Pong = "PONG";
    public const string Error = "ERROR";
    public const string JoinPending = "JOIN_PENDING";
    public const string JoinRequested = "JOIN_REQUESTED";
    public const string JoinWithdrawn = "JOIN_WITHDRAWN";
    public const string JoinDenied = "JOIN_DENIED";
    public const string JoinLink = "JOIN_LINK";

    public const string SessionNotFoundCode = "SESSION_NOT_FOUND";
}
