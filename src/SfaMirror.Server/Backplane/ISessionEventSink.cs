using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Backplane;

/// <summary>
/// The one delivery callback. A store reports everything members must be told through it, in session
/// order: the in-memory store calls it directly while it holds the session, the Redis store calls it
/// from its pub/sub subscription. Either way the frames reach members along the same path.
/// </summary>
internal interface ISessionEventSink
{
    /// <summary>A reply meant for one member only (<c>SESSION_CREATED</c>, or <c>SESSION_JOINED</c> with the state after it).
    /// Marks the member as receiving the session's broadcasts from here on.</summary>
    void DeliverToMember(string sessionCode, string memberId, byte[] reply, byte[]? customerState, byte[]? productState);

    /// <summary>A frame for every member of the session except <paramref name="exceptMemberId"/>.</summary>
    void Broadcast(string sessionCode, string? exceptMemberId, byte[] frame, StateKind? coalesceAs);

    /// <summary>The host role moved to another connection: the member holding it is closed with 4000.</summary>
    void HostResumedElsewhere(string sessionCode, string memberId);

    /// <summary>The session is gone. The member that ended it gets <paramref name="requesterFrame"/>, everyone else <paramref name="othersFrame"/>.</summary>
    void SessionEnded(string sessionCode, string? requesterMemberId, byte[] requesterFrame, byte[] othersFrame);
}
