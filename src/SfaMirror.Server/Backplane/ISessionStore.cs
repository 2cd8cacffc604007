using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Backplane;

/// <summary>
/// Where sessions live: codes, members and roles, state, lifecycle. Every operation is atomic per session
/// and reports what members must be told to the <see cref="ISessionEventSink"/>, in the same order the
/// operations took effect, as <see cref="SessionEvent"/>s: a store never encodes a frame. Request ids are raw
/// JSON, carried in the events to be echoed.
/// </summary>
internal interface ISessionStore
{
    /// <summary>Creates a session under <paramref name="code"/> with the member as its host; only the resume token's hash is kept.</summary>
    ValueTask<StoreStatus> CreateAsync(string code, string memberId, string resumeTokenHash, ReadOnlyMemory<byte> requestId, CancellationToken cancellationToken) =>
        CreateAsync(code, memberId, resumeTokenHash, SessionAccess.Open, requestId, cancellationToken);

    /// <summary>
    /// Creates a session with its <paramref name="access"/> rules. With a host subject, refused with
    /// <see cref="StoreStatus.HostLimit"/> when that subject already hosts <c>MaxSessionsPerHost</c> live sessions.
    /// </summary>
    ValueTask<StoreStatus> CreateAsync(string code, string memberId, string resumeTokenHash, SessionAccess access, ReadOnlyMemory<byte> requestId, CancellationToken cancellationToken);

    /// <summary>Joins (or re-joins) a session; a matching <paramref name="resumeTokenHash"/> makes the member its host.</summary>
    ValueTask<JoinResult> JoinAsync(string code, string memberId, string? resumeTokenHash, ReadOnlyMemory<byte> requestId, CancellationToken cancellationToken) =>
        JoinAsync(new JoinRequest(code, memberId, resumeTokenHash, requestId), cancellationToken);

    /// <summary>
    /// Joins (or re-joins) a session, the rules in the order docs/protocol.md gives them: a member's own re-join and a
    /// host's resume always get in; then kicked, join key, lock, capacity; in a session with admission a viewer waits
    /// (<see cref="StoreStatus.Pending"/>: the joiner gets <c>JoinPending</c>, the host <c>JoinRequested</c>).
    /// </summary>
    ValueTask<JoinResult> JoinAsync(JoinRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// A host's control: admit or deny a waiting viewer, kick a member or a waiting viewer, lock or unlock. Refused with
    /// <see cref="StoreStatus.NotHost"/> from a viewer, <see cref="StoreStatus.MemberNotFound"/> for an unknown target,
    /// <see cref="StoreStatus.NotAllowed"/> for the host itself.
    /// </summary>
    ValueTask<StoreStatus> ControlAsync(string code, string hostMemberId, HostControl control, string? targetMemberId, CancellationToken cancellationToken);

    /// <summary>
    /// Relays <paramref name="data"/> from one member to another (a waiting viewer and the host may signal each other);
    /// never stored.
    /// </summary>
    ValueTask<StoreStatus> SignalAsync(string code, string fromMemberId, string toMemberId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Keeps a join key's hash for the host's session, valid for <paramref name="ttl"/> and <paramref name="uses"/> joins.</summary>
    ValueTask<StoreStatus> CreateJoinLinkAsync(string code, string hostMemberId, string keyHash, TimeSpan ttl, int uses, CancellationToken cancellationToken);

    /// <summary>The session a live join key belongs to, or null; does not use the key up.</summary>
    ValueTask<string?> FindJoinLinkAsync(string keyHash, CancellationToken cancellationToken);

    ValueTask<LeaveResult> LeaveAsync(string code, string memberId, LeaveReason reason, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a state update (an empty payload means null) and relays it to the other members; refused with
    /// <see cref="StoreStatus.NotAllowed"/>, changing nothing, when <see cref="SessionAccess.MayUpdate"/> says no.
    /// </summary>
    ValueTask<UpdateResult> UpdateAsync(string code, string memberId, StateKind kind, ReadOnlyMemory<byte> payload, bool denyAllViewers, CancellationToken cancellationToken);

    ValueTask<ReadResult> ReadAsync(string code, string memberId, StateKind kind, CancellationToken cancellationToken);

    /// <summary>Ends a session at its host's request.</summary>
    ValueTask<StoreStatus> EndAsync(string code, string memberId, ReadOnlyMemory<byte> requestId, CancellationToken cancellationToken);

    /// <summary>Deletes empty sessions past their grace period and ends idle ones.</summary>
    ValueTask<SweepResult> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken);

    ValueTask<StoreStats> GetStatsAsync(CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<SessionInfo>> ListSessionsAsync(int max, CancellationToken cancellationToken);

    /// <summary>Whether the store can serve requests now (always, in memory).</summary>
    ValueTask<bool> IsAvailableAsync(CancellationToken cancellationToken);
}
