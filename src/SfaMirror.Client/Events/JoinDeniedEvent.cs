namespace SfaMirror.Client.Events;

/// <summary>This client's waiting join was refused: <see cref="Reason"/> <c>denied</c> (by the host) or <c>timeout</c>.</summary>
public sealed record JoinDeniedEvent(string SessionId, string Reason) : MirrorEvent(SessionId);
