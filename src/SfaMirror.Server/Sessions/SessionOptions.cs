using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace SfaMirror.Server.Sessions;

/// <summary>
/// What one connection may send: message parsing and per-connection rate limits, and the lifecycle summary. Bound from the <c>Relay</c> section like every area's options
/// (<c>appsettings.json</c>, or environment variables such as <c>Relay__MaxJsonDepth</c>); defaults as docs/protocol.md names them.
/// </summary>
internal sealed class SessionOptions
{
    /// <summary>Deepest nesting of objects and arrays in a message, the envelope being level 1.</summary>
    [Range(2, 10_000)]
    public int MaxJsonDepth { get; set; } = 64;

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

    /// <summary>
    /// Whether viewers may send <c>VIEW_CUSTOMER</c> / <c>VIEW_PRODUCT</c> in every session. <c>Deny</c> makes every
    /// session's viewers read-only (as <c>CREATE_SESSION</c> with <c>payload.viewers: "read-only"</c> does for one).
    /// </summary>
    [EnumDataType(typeof(ViewerUpdates))]
    public ViewerUpdates ViewerUpdates { get; set; } = ViewerUpdates.Allow;

    /// <summary>
    /// <c>Host</c>: every session's viewers wait for the host's <c>ADMIT</c> (as <c>CREATE_SESSION</c> with
    /// <c>payload.admission: "host"</c> does for one).
    /// </summary>
    [EnumDataType(typeof(AdmissionMode))]
    public AdmissionMode Admission { get; set; } = AdmissionMode.Open;

    /// <summary><c>Link</c>: a viewer joins only with a join key, so a guessed code is worth nothing.</summary>
    [EnumDataType(typeof(JoinWith))]
    public JoinWith JoinWith { get; set; } = JoinWith.Code;

    /// <summary>Largest <c>SIGNAL</c> <c>data</c>, in bytes of JSON as sent.</summary>
    [Range(16, 1_048_576)]
    public int MaxSignalBytes { get; set; } = 8192;

    /// <summary>Longest life a join link may ask for.</summary>
    [Range(10, 31_536_000)]
    public int MaxJoinLinkSeconds { get; set; } = 86_400;

    /// <summary>Refuses every session that is not end-to-end encrypted (<c>E2E_REQUIRED</c>).</summary>
    public bool RequireE2E { get; set; }

    /// <summary>How often a summary of live sessions and connections is logged.</summary>
    [Range(0.1, 86_400)]
    public double SummaryIntervalSeconds { get; set; } = 30;
}

/// <summary>Checks <see cref="SessionOptions"/>' data annotations with code generated at build time (the reflection-based validation is not Native-AOT-safe).</summary>
[OptionsValidator]
internal sealed partial class SessionOptionsValidator : IValidateOptions<SessionOptions>;
