namespace SfaMirror.Client.Events;

/// <summary>Something the server told the client without being asked: state, presence, the end of the session.</summary>
public abstract record MirrorEvent(string SessionId);
