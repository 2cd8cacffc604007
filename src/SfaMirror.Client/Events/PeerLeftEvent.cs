namespace SfaMirror.Client.Events;

/// <summary>Another member left (<see cref="Reason"/> <c>left</c>), lost its connection (<c>disconnected</c>) or was
/// removed by the host (<c>kicked</c>); <see cref="MemberId"/> is the leaver's.</summary>
public sealed record PeerLeftEvent(string SessionId, string Role, int Members, string Reason, string? MemberId = null) : MirrorEvent(SessionId);
