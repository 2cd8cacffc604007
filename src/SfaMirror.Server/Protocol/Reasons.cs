namespace SfaMirror.Server.Protocol;

/// <summary>Why a member left (<c>PEER_LEFT.payload.reason</c>).</summary>
internal enum LeaveReason : byte
{
    Left = 0,
    Disconnected = 1,
}

/// <summary>Why a session ended (<c>SESSION_ENDED.payload.reason</c>).</summary>
internal enum EndReason : byte
{
    EndedByHost = 0,
    Expired = 1,
}

internal static class Reasons
{
    public static string Name(LeaveReason reason) => reason == LeaveReason.Left ? "left" : "disconnected";
    public static string Name(EndReason reason) => reason == EndReason.EndedByHost ? "ended_by_host" : "expired";
}
