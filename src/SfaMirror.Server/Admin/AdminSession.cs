namespace SfaMirror.Server.Admin;

/// <summary>A live session as the admin page lists it.</summary>
/// <remarks><paramref name="Host"/> is the host token's subject, null for a session made without one. <paramref name="Waiting"/>:
/// viewers the host has not admitted or denied yet. <paramref name="ReadOnly"/> is true when the session's viewers may not
/// update, by its own flag or by <c>Relay:ViewerUpdates = Deny</c>.</remarks>
internal sealed record AdminSession(string Code, int Hosts, int Viewers, double AgeSeconds, double IdleSeconds, long Seq, string? Host,
    int Waiting, bool ReadOnly, bool Admission, bool Locked, bool Encrypted);
