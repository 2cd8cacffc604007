namespace SfaMirror.Server.Admin;

/// <summary>Messages per second in and out during the second ending at <paramref name="At"/>.</summary>
internal sealed record AdminRate(DateTimeOffset At, double In, double Out);
