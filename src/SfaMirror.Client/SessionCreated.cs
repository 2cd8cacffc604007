namespace SfaMirror.Client;

/// <summary>The reply to <see cref="MirrorClient.CreateSessionAsync"/>: the code to show, and the secret that lets
/// this host take its role back after a reconnect (the client uses it by itself).</summary>
public sealed record SessionCreated(string SessionId, string ResumeToken);
