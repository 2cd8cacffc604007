namespace SfaMirror.Server.Admin;

/// <summary>A live session as the admin page lists it.</summary>
internal sealed record AdminSession(string Code, int Hosts, int Viewers, double AgeSeconds, double IdleSeconds, long Seq);
