namespace SfaMirror.Server.Protocol;

/// <summary>The message types a client may send (docs/protocol.md, "What clients send").</summary>
internal enum MessageKind : byte
{
    Unknown = 0,
    CreateSession,
    JoinSession,
    ViewCustomer,
    ViewProduct,
    RequestCustomerUpdate,
    RequestProductUpdate,
    LeaveSession,
    EndSession,
    Ping,
    Admit,
    Deny,
    Kick,
    LockSession,
    UnlockSession,
    Signal,
    CreateJoinLink,
}
