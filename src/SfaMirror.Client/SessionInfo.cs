namespace SfaMirror.Client;

/// <summary>The session this client is in, and what it needs to get back into it after a reconnect.</summary>
internal sealed record SessionInfo(string SessionId, string Role, string? ResumeToken, string? HostToken = null);
