namespace SfaMirror.Client.Events;

/// <summary>
/// An end-to-end pairing was computed: <see cref="Code"/> is the 6-digit comparison string to show, the same on both
/// screens unless someone in between swapped the keys. On the host <see cref="MemberId"/> is the waiting viewer's and
/// <see cref="ViaLink"/> says its link proof was valid (it holds the join link); on a viewer it is the host's and
/// <see cref="ViaLink"/> says this viewer came by a link.
/// </summary>
public sealed record PairingEvent(string SessionId, string MemberId, string Code, bool ViaLink) : MirrorEvent(SessionId);
