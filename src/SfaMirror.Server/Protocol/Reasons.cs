namespace SfaMirror.Server.Protocol;

/// <summary>Why a member left (<c>PEER_LEFT.payload.reason</c>).</summary>
internal enum LeaveReason : byte
{
    Left = 0,
    Disconnected = 1,
    /// <summary>The host kicked the member (<c>PEER_LEFT</c>), or denied a waiting viewer (<c>JOIN_DENIED</c>).</summary>
    Kicked = 2,
    /// <summary>A waiting viewer was not admitted within <c>AdmissionTimeoutSeconds</c>.</summary>
    Timeout = 3,
}

/// <summary>Why a session ended (<c>SESSION_ENDED.payload.reason</c>).</summary>
internal enum EndReason : byte
{
    EndedByHost = 0,
    Expired = 1,
    /// <summary>To the kicked member only.</summary>
    Kicked = 2,
}

internal static class Reasons
{
    public static string Name(LeaveReason reason) => reason switch
    {
        LeaveReason.Left => "left",
        LeaveReason.Kicked => "kicked",
        LeaveReason.Timeout => "timeout",
        _ => "disconnected",
    };

    public static string Name(EndReason reason) => reason switch
    {
        EndReason.EndedByHost => "ended_by_host",
        EndReason.Kicked => "kicked",
        _ => "expired",
    };

    /// <summary><c>JOIN_DENIED.payload.reason</c>: <c>denied</c> by the host (a kick of a waiting viewer too) or <c>timeout</c>.</summary>
    public static string DeniedName(LeaveReason reason) => reason == LeaveReason.Timeout ? "timeout" : "denied";
}
