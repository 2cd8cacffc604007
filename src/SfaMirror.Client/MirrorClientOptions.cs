namespace SfaMirror.Client;

/// <summary>Settings of a <see cref="MirrorClient"/>; the defaults suit a phone on a mobile network.</summary>
public sealed class MirrorClientOptions
{
    /// <summary>The relay, e.g. <c>ws://localhost:3000</c>.</summary>
    public Uri Url { get; set; } = new("ws://localhost:3000");

    /// <summary>How long a request waits for its reply (and for a lost connection to come back) before it fails with <c>TIMEOUT</c>.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often an application-level <c>PING</c> checks the connection; a <c>PING</c> left unanswered for
    /// <see cref="RequestTimeout"/> drops the connection (and reconnects). <see cref="TimeSpan.Zero"/> turns it off.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a join that the relay holds for the host's admission (<c>JOIN_PENDING</c>) waits to be admitted
    /// before it fails with <c>TIMEOUT</c>; the relay itself gives up after <c>AdmissionTimeoutSeconds</c> (120).</summary>
    public TimeSpan AdmissionTimeout { get; set; } = TimeSpan.FromSeconds(130);

    /// <summary>Sent as the upgrade's <c>User-Agent</c>: the host sees it in <c>JOIN_REQUESTED</c>. Null sends none.</summary>
    public string? UserAgent { get; set; } = "SfaMirror.Client";

    /// <summary>Whether and how fast a lost connection is re-established.</summary>
    public ReconnectOptions Reconnect { get; set; } = new();

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Url);
        if (Url.Scheme is not ("ws" or "wss"))
        {
            throw new ArgumentException("Url must be a ws:// or wss:// address.", nameof(Url));
        }
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero, nameof(RequestTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AdmissionTimeout, TimeSpan.Zero, nameof(AdmissionTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(HeartbeatInterval, TimeSpan.Zero, nameof(HeartbeatInterval));
        ArgumentNullException.ThrowIfNull(Reconnect);
        Reconnect.Validate();
    }
}
