namespace SfaMirror.Server.Backplane;

/// <summary>
/// What a <see cref="SessionEvent"/> reports. The Redis scripts use the same numbers (their Lua constants
/// are generated from this enum), so an event means the same in either store.
/// </summary>
internal enum SessionEventKind : byte
{
    /// <summary>To its creator: the session exists.</summary>
    Created = 1,
    /// <summary>To the joiner: it is in, with the state stored so far.</summary>
    Joined = 2,
    /// <summary>To all but the joiner.</summary>
    PeerJoined = 3,
    /// <summary>To all but the member that left.</summary>
    PeerLeft = 4,
    /// <summary>To all but the sender: a state update.</summary>
    State = 5,
    /// <summary>To the old host: another connection resumed the host role.</summary>
    HostResumed = 6,
    /// <summary>To everyone: the session is gone. The member named, if any, is the host that ended it.</summary>
    Ended = 7,
    /// <summary>To the joiner: it waits for the host to admit it.</summary>
    JoinPending = 8,
    /// <summary>To the host named as the other member: a viewer (the member) waits, with its user agent as data.</summary>
    JoinRequested = 9,
    /// <summary>To the host named as the other member: the waiting viewer (the member) is gone, for the leave reason.</summary>
    JoinWithdrawn = 10,
    /// <summary>To the waiting viewer (the member): it was denied (reason <c>Kicked</c>) or timed out; it is out.</summary>
    JoinDenied = 11,
    /// <summary>The member was kicked: it is told its session ended, everyone else that it left.</summary>
    Kicked = 12,
    /// <summary>From the member to the other member, with its data: never stored.</summary>
    Signal = 13,
}
