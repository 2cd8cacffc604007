using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace SfaMirror.Server.Transport;

/// <summary>
/// How connections are read, written, kept alive and closed. Bound from the <c>Relay</c> section like every area's options
/// (<c>appsettings.json</c>, or environment variables such as <c>Relay__MaxMessageBytes</c>); defaults as docs/protocol.md names them.
/// </summary>
internal sealed class TransportOptions
{
    /// <summary>Largest inbound message in bytes; a larger one closes the connection with 1009.</summary>
    [Range(256, 64 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 1024 * 1024;

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

    /// <summary>
    /// Runs socket completions and Kestrel's pipe continuations on the I/O threads instead of handing each to
    /// the thread pool, so that a relayed update goes from the sender's socket to every recipient's on one
    /// thread (docs/performance.md). Safe because nothing on that path blocks; turn it off if you add code that does.
    /// </summary>
    public bool InlineIo { get; set; } = true;

    /// <summary>How long shutdown waits for connections to close after sending 1012.</summary>
    [Range(0, 600)]
    public double ShutdownCloseTimeoutSeconds { get; set; } = 5;

    /// <summary>
    /// Comma-separated addresses of proxies whose <c>X-Forwarded-For</c> / <c>Forwarded</c> headers are believed
    /// (docs/operations.md). From any other peer those headers change nothing: the peer is the client.
    /// </summary>
    public string KnownProxies { get; set; } = "127.0.0.1,::1";

    /// <summary>Comma-separated networks (CIDR, e.g. <c>10.0.0.0/8</c>) whose every address is a trusted proxy, as <see cref="KnownProxies"/>.</summary>
    public string KnownNetworks { get; set; } = "";

    /// <summary>
    /// Comma-separated origins an upgrade's <c>Origin</c> must be one of (exact, or <c>https://*.example.com</c> for
    /// any subdomain); others get 403. Empty: any. An upgrade without <c>Origin</c> (a native app) always passes.
    /// </summary>
    public string AllowedOrigins { get; set; } = "";

    /// <summary>Open connections one client address (IPv4 /32, IPv6 /64) may hold on this node; one more gets 429.</summary>
    [Range(1, 10_000_000)]
    public int MaxConnectionsPerAddress { get; set; } = 10_000;

    /// <summary>New connections per second one client address may open on this node, sustained; over it: 429 with <c>Retry-After</c>.</summary>
    [Range(0.01, 1_000_000)]
    public double ConnectionsPerAddressPerSecond { get; set; } = 200;

    /// <summary>New connections one client address may open at once above <see cref="ConnectionsPerAddressPerSecond"/>.</summary>
    [Range(1, 10_000_000)]
    public int ConnectionBurstPerAddress { get; set; } = 1_000;

    /// <summary>Open connections this node holds; one more gets 503 with <c>Retry-After</c>.</summary>
    [Range(1, 100_000_000)]
    public int MaxConnections { get; set; } = 100_000;

    public TimeSpan KeepAliveInterval => TimeSpan.FromSeconds(KeepAliveIntervalSeconds);
    public TimeSpan KeepAliveTimeout => TimeSpan.FromSeconds(KeepAliveTimeoutSeconds);
    public TimeSpan SendTimeout => TimeSpan.FromSeconds(SendTimeoutSeconds);
}

/// <summary>Checks <see cref="TransportOptions"/>' data annotations with code generated at build time (the reflection-based validation is not Native-AOT-safe).</summary>
[OptionsValidator]
internal sealed partial class TransportOptionsValidator : IValidateOptions<TransportOptions>;
