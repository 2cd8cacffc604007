using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Backplane;

/// <summary>
/// Something members of a session must be told, as a store reports it: what happened and to whom, never
/// a frame. Both stores hand events to the <see cref="ISessionEventSink"/>; one delivery type turns each
/// into frames. Memory fields (request id, payloads) point into the store's buffers or the received
/// Redis message and are valid only during the sink call.
/// </summary>
internal readonly struct SessionEvent
{
    public required SessionEventKind Kind { get; init; }

    public required string Code { get; init; }

    /// <summary>
    /// For <c>Created</c>, <c>Joined</c> and <c>HostResumed</c>, the one member the event is for; for
    /// <c>PeerJoined</c>, <c>PeerLeft</c> and <c>State</c>, the member every other member is told about (the
    /// sender); for <c>Ended</c>, the host that ended it (everyone is told), null when it expired.
    /// </summary>
    public string? MemberId { get; init; }

    public MemberRole Role { get; init; }

    /// <summary>
    /// For <c>JoinRequested</c> and <c>JoinWithdrawn</c>, the host to tell; for <c>Signal</c>, the member it is for.
    /// </summary>
    public string? OtherMemberId { get; init; }

    /// <summary>For <c>JoinRequested</c>, the viewer's user agent (UTF-8); for <c>Signal</c>, the raw JSON data.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>For <c>Joined</c> and <c>JoinPending</c>, whether the session is end-to-end encrypted.</summary>
    public bool Encrypted { get; init; }

    /// <summary>For <see cref="SessionEventKind.Joined"/>, whether the session's host proved who it is with a host token.</summary>
    public bool HostVerified { get; init; }

    /// <summary>Members in the session after the event.</summary>
    public int Members { get; init; }

    public LeaveReason LeaveReason { get; init; }

    public EndReason EndReason { get; init; }

    /// <summary>The raw JSON request id to echo to <see cref="MemberId"/>; empty when none.</summary>
    public ReadOnlyMemory<byte> RequestId { get; init; }

    /// <summary>For <see cref="SessionEventKind.State"/>, which state the update sets.</summary>
    public StateKind StateKind { get; init; }

    /// <summary>For <see cref="SessionEventKind.State"/>, the update: its seq and payload (empty or <c>null</c> clears the state).</summary>
    public StoredState State { get; init; }

    /// <summary>For <see cref="SessionEventKind.Joined"/>, the customer stored so far.</summary>
    public StoredState Customer { get; init; }

    /// <summary>For <see cref="SessionEventKind.Joined"/>, the product stored so far.</summary>
    public StoredState Product { get; init; }
}
