namespace SfaMirror.Client.Events;

/// <summary>Another member left (<see cref="Reason"/> <c>left</c>) or lost its connection (<c>disconnected</c>).</summary>
public sealed record PeerLeftEvent(string SessionId, string Role, int Members, string Reason) : MirrorEvent(SessionId);
