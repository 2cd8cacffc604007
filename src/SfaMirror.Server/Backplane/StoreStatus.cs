namespace SfaMirror.Server.Backplane;

/// <summary>The outcome of a store operation that can be refused.</summary>
internal enum StoreStatus : byte
{
    Ok,
    /// <summary>No live session has this code.</summary>
    NotFound,
    /// <summary>The caller is not a member of the session (or the session does not exist: not disclosed).</summary>
    NotMember,
    NotHost,
    Full,
    /// <summary>The store holds <c>MaxSessions</c> sessions.</summary>
    Busy,
    /// <summary>The candidate code is live or was retired within the reuse block; draw another.</summary>
    CodeTaken,
    /// <summary>The store cannot be reached (Redis down).</summary>
    Unavailable,
    /// <summary>A viewer's update in a session whose viewers are read-only.</summary>
    NotAllowed,
    /// <summary>The host's subject already hosts <c>MaxSessionsPerHost</c> live sessions.</summary>
    HostLimit,
}
