namespace SfaMirror.Client.Events;

/// <summary>Another member joined; <see cref="Members"/> counts everyone now in the session.</summary>
public sealed record PeerJoinedEvent(string SessionId, string Role, int Members) : MirrorEvent(SessionId);
