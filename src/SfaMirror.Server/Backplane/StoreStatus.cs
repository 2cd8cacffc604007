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
    /// <summary>The join is held until the host admits it (a success for the joiner's budget).</summary>
    Pending,
    /// <summary>The session is locked: only a host's resume and a member's own re-join get in.</summary>
    Locked,
    /// <summary>The host kicked (or denied) this member; it may not join the session again.</summary>
    Kicked,
    /// <summary>The join key is unknown, expired, used up, or for another session.</summary>
    JoinKeyInvalid,
    /// <summary>The relay joins viewers by link only and no key was given.</summary>
    JoinKeyRequired,
    /// <summary>A host control or signal names no member (or no waiting viewer) of the session.</summary>
    MemberNotFound,
}
