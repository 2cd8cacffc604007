namespace SfaMirror.Client.Events;

/// <summary>To the host: a viewer waits to be admitted (<see cref="MirrorClient.AdmitAsync"/>, <see cref="MirrorClient.DenyAsync"/>).</summary>
public sealed record JoinRequestedEvent(string SessionId, string MemberId, string UserAgent) : MirrorEvent(SessionId);
