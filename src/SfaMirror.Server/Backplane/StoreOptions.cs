using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace SfaMirror.Server.Backplane;

/// <summary>
/// Where sessions live and how long: capacities, grace, expiry, code reuse, and Redis. Bound from the <c>Relay</c> section like every area's options
/// (<c>appsettings.json</c>, or environment variables such as <c>Relay__MaxMembersPerSession</c>); defaults as docs/protocol.md names them.
/// </summary>
internal sealed class StoreOptions
{
    /// <summary>Members a session may hold at once.</summary>
    [Range(2, 100_000)]
    public int MaxMembersPerSession { get; set; } = 16;

    /// <summary>Sessions the server (or the cluster, with Redis) holds at once.</summary>
    [Range(1, 100_000_000)]
    public int MaxSessions { get; set; } = 100_000;

    /// <summary>Live sessions (their grace included) one host token subject (<c>sub</c>) may host at once; sessions made without a token do not count.</summary>
    [Range(1, 100_000_000)]
    public int MaxSessionsPerHost { get; set; } = 20;

    /// <summary>How long an empty session stays joinable, with its state, before it is deleted.</summary>
    [Range(0, 86_400 * 7)]
    public double EmptySessionGraceSeconds { get; set; } = 120;

    /// <summary>A session in which nothing has been sent for this long ends with reason <c>expired</c>.</summary>
    [Range(0.001, 60 * 24 * 365)]
    public double IdleSessionMinutes { get; set; } = 720;

    /// <summary>How long an ended session's code is kept out of circulation.</summary>
    [Range(0, 86_400 * 30)]
    public double CodeReuseBlockSeconds { get; set; } = 3600;

    /// <summary>How often the lifecycle sweep looks for grace-expired and idle sessions.</summary>
    [Range(0.01, 3600)]
    public double SweepIntervalSeconds { get; set; } = 1;

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

    /// <summary>
    /// Failed joins (unknown code, full session) one client address (IPv4 /32, IPv6 /64) may have in any minute,
    /// counted over all its connections and, with Redis, all nodes; past it, its joins are refused with
    /// <c>RATE_LIMITED</c> before they are tried until the minute has room again.
    /// </summary>
    [Range(1, 1_000_000)]
    public int FailedJoinsPerAddressPerMinute { get; set; } = 10;

    /// <summary>As <see cref="FailedJoinsPerAddressPerMinute"/>, over any hour: what bounds a patient guesser.</summary>
    [Range(1, 10_000_000)]
    public int FailedJoinsPerAddressPerHour { get; set; } = 60;

    /// <summary>A viewer waiting for admission that the host has not answered for this long gets <c>JOIN_DENIED</c> <c>timeout</c>.</summary>
    [Range(1, 86_400)]
    public double AdmissionTimeoutSeconds { get; set; } = 120;

    public TimeSpan AdmissionTimeout => TimeSpan.FromSeconds(AdmissionTimeoutSeconds);
    public TimeSpan EmptySessionGrace => TimeSpan.FromSeconds(EmptySessionGraceSeconds);
    public TimeSpan IdleSessionTimeout => TimeSpan.FromMinutes(IdleSessionMinutes);
    public TimeSpan CodeReuseBlock => TimeSpan.FromSeconds(CodeReuseBlockSeconds);
    public TimeSpan NodeLease => TimeSpan.FromSeconds(NodeLeaseSeconds);
}

/// <summary>Checks <see cref="StoreOptions"/>' data annotations with code generated at build time (the reflection-based validation is not Native-AOT-safe).</summary>
[OptionsValidator]
internal sealed partial class StoreOptionsValidator : IValidateOptions<StoreOptions>;
