namespace SfaMirror.Client.Events;

/// <summary>Another member joined; <see cref="Members"/> counts everyone now in the session; <see cref="MemberId"/> is the joiner's.</summary>
public sealed record PeerJoinedEvent(string SessionId, string Role, int Members, string? MemberId = null) : MirrorEvent(SessionId);
