namespace SfaMirror.Server.Observability;

/// <summary>Messages received and sent per second during the second that ended at <paramref name="At"/>.</summary>
internal readonly record struct RateSample(DateTimeOffset At, double In, double Out);
