namespace SfaMirror.Server.Protocol;

/// <summary>The message types a client may send (PROTOCOL.md, "Messages from clients").</summary>
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
}
