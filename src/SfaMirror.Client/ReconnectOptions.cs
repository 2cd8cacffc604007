namespace SfaMirror.Client;

/// <summary>
/// Reconnection after a lost connection: exponential back-off from <see cref="InitialDelay"/>, doubling up to
/// <see cref="MaxDelay"/>, each wait drawn at random between half and all of it so that many clients cut off by
/// one server restart do not all come back in the same millisecond.
/// </summary>
public sealed class ReconnectOptions
{
    /// <summary>No reconnection: a lost connection ends the client (<see cref="ConnectionState.Closed"/>).</summary>
    public static ReconnectOptions Disabled => new() { Enabled = false };

    public bool Enabled { get; set; } = true;

    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait before attempt <paramref name="attempt"/> (0 for the first), with jitter.</summary>
    internal TimeSpan DelayFor(int attempt, Random random)
    {
        var ceiling = InitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        var capped = Math.Min(ceiling, MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + random.NextDouble() * capped / 2);
    }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialDelay, TimeSpan.Zero, nameof(InitialDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, InitialDelay, nameof(MaxDelay));
    }
}
