namespace SfaMirror.Client.Events;

/// <summary>To the host: a waiting viewer is gone (<see cref="Reason"/> <c>left</c>, <c>disconnected</c> or <c>timeout</c>).</summary>
public sealed record JoinWithdrawnEvent(string SessionId, string MemberId, string Reason) : MirrorEvent(SessionId);
