namespace SfaMirror.Server.Admin;

/// <summary>A live session as the admin page lists it.</summary>
/// <remarks><paramref name="Host"/> is the host token's subject, null for a session made without one.</remarks>
internal sealed record AdminSession(string Code, int Hosts, int Viewers, double AgeSeconds, double IdleSeconds, long Seq, string? Host);
