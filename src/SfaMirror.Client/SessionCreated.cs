namespace SfaMirror.Client;

/// <summary>The reply to <see cref="MirrorClient.CreateSessionAsync(CancellationToken)"/>: the code to show, the secret that lets
/// this host take its role back after a reconnect (the client uses it by itself), and this member's id.</summary>
public sealed record SessionCreated(string SessionId, string ResumeToken)
{
    public string MemberId { get; init; } = "";

    /// <summary>The session is end-to-end encrypted.</summary>
    public bool Encrypted { get; init; }
}
