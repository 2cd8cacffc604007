using System.ComponentModel.DataAnnotations;

namespace SfaMirror.Server;

/// <summary>
/// Every tunable of the relay, bound from the <c>Relay</c> configuration section
/// (<c>appsettings.json</c>, or environment variables such as <c>Relay__MaxMessageBytes</c>).
/// The defaults are the ones PROTOCOL.md names.
/// </summary>
internal sealed class RelayOptions
{
    public const string SectionName = "Relay";

    /// <summary>Largest inbound message in bytes; a larger one closes the connection with 1009.</summary>
    [Range(256, 64 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>Deepest nesting of objects and arrays in a message, the envelope being level 1.</summary>
    [Range(2, 10_000)]
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>Members a session may hold at once.</summary>
    [Range(2, 100_000)]
    public int MaxMembersPerSession { get; set; } = 16;

    /// <summary>Sessions the server (or the cluster, with Redis) holds at once.</summary>
    [Range(1, 100_000_000)]
    public int MaxSessions { get; set; } = 100_000;

    /// <summary>Sustained messages per second a connection may send.</summary>
    [Range(1, 1_000_000)]
    public double MessagesPerSecond { get; set; } = 100;

    /// <summary>Burst of messages a connection may send above the sustained rate.</summary>
    [Range(1, 1_000_000)]
    public int MessageBurst { get; set; } = 200;

    /// <summary>Failed joins within one minute after which every further join is refused.</summary>
    [Range(1, 100_000)]
    public int FailedJoinsPerMinute { get; set; } = 10;

    /// <summary>Refused messages within 60 seconds after which the connection is closed with 1008.</summary>
    [Range(1, 1_000_000)]
    public int RateLimitStrikes { get; set; } = 500;

    /// <summary>How long an empty session stays joinable, with its state, before it is deleted.</summary>
    [Range(0, 86_400 * 7)]
    public double EmptySessionGraceSeconds { get; set; } = 120;

    /// <summary>A session in which nothing has been sent for this long ends with reason <c>expired</c>.</summary>
    [Range(0.001, 60 * 24 * 365)]
    public double IdleSessionMinutes { get; set; } = 720;

    /// <summary>How long an ended session's code is kept out of circulation.</summary>
    [Range(0, 86_400 * 30)]
    public double CodeReuseBlockSeconds { get; set; } = 3600;

    /// <summary>Interval of WebSocket ping frames.</summary>
    [Range(0.01, 3600)]
    public double KeepAliveIntervalSeconds { get; set; } = 15;

    /// <summary>A peer that has not answered a ping within this time is dropped.</summary>
    [Range(0.01, 3600)]
    public double KeepAliveTimeoutSeconds { get; set; } = 30;

    /// <summary>A member whose outbound queue holds more than this is behind: its queued state updates are coalesced.</summary>
    [Range(0, int.MaxValue)]
    public int CoalesceAboveBytes { get; set; } = 64 * 1024;

    /// <summary>A connection whose outbound queue holds more than this is closed with 1013.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxQueuedBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>A connection whose socket has not accepted a write for this long is closed with 1013.</summary>
    [Range(0.01, 3600)]
    public double SendTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// A new connection must have sent its whole request head within this time, or it is cut: a client that
    /// connects and sends nothing, or stops mid-request, holds a connection no longer than this.
    /// </summary>
    [Range(0.01, 3600)]
    public double HandshakeTimeoutSeconds { get; set; } = 10;

    /// <summary>How often the lifecycle sweep looks for grace-expired and idle sessions.</summary>
    [Range(0.01, 3600)]
    public double SweepIntervalSeconds { get; set; } = 1;

    /// <summary>How often a summary of live sessions and connections is logged.</summary>
    [Range(0.1, 86_400)]
    public double SummaryIntervalSeconds { get; set; } = 30;

    /// <summary>
    /// Runs socket completions and Kestrel's pipe continuations on the I/O threads instead of handing each to
    /// the thread pool, so that a relayed update goes from the sender's socket to every recipient's on one
    /// thread (docs/performance.md). Safe because nothing on that path blocks; turn it off if you add code that does.
    /// </summary>
    public bool InlineIo { get; set; } = true;

    /// <summary>How long shutdown waits for connections to close after sending 1012.</summary>
    [Range(0, 600)]
    public double ShutdownCloseTimeoutSeconds { get; set; } = 5;

    /// <summary>A StackExchange.Redis connection string. Empty: sessions live in this process's memory.</summary>
    public string? Redis { get; set; }

    /// <summary>
    /// Prefix of every Redis key and channel this relay uses, so that several relays (or tests) can share
    /// one Redis. Nodes of one cluster must use the same prefix.
    /// </summary>
    [RegularExpression(@"^[A-Za-z0-9:_\-\.]{1,64}$")]
    public string RedisKeyPrefix { get; set; } = "relay:";

    /// <summary>
    /// With Redis: how long a node's lease lives without renewal (renewed every third of it). A node that
    /// dies without a goodbye (kill -9, power loss) has its members removed, as <c>PEER_LEFT</c>
    /// <c>disconnected</c>, by the next sweep of another node after its lease lapsed: within
    /// <c>NodeLeaseSeconds + SweepIntervalSeconds</c>.
    /// </summary>
    [Range(0.3, 3600)]
    public double NodeLeaseSeconds { get; set; } = 10;

    /// <summary>Token that opens <c>/admin</c>. Empty: the admin page is off.</summary>
    public string? AdminToken { get; set; }

    public TimeSpan EmptySessionGrace => TimeSpan.FromSeconds(EmptySessionGraceSeconds);
    public TimeSpan IdleSessionTimeout => TimeSpan.FromMinutes(IdleSessionMinutes);
    public TimeSpan CodeReuseBlock => TimeSpan.FromSeconds(CodeReuseBlockSeconds);
    public TimeSpan KeepAliveInterval => TimeSpan.FromSeconds(KeepAliveIntervalSeconds);
    public TimeSpan KeepAliveTimeout => TimeSpan.FromSeconds(KeepAliveTimeoutSeconds);
    public TimeSpan SendTimeout => TimeSpan.FromSeconds(SendTimeoutSeconds);
    public TimeSpan NodeLease => TimeSpan.FromSeconds(NodeLeaseSeconds);
}
