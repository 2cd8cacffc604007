namespace SfaMirror.Server.Protocol;

/// <summary>
/// One parsed client message. <see cref="Payload"/> and <see cref="RequestId"/> are raw JSON slices of
/// the frame they arrived in (valid only while that frame is being handled), so a payload is never
/// re-serialized and a numeric request id keeps its exact text.
/// </summary>
internal readonly struct InboundMessage
{
    public required MessageKind Kind { get; init; }

    /// <summary>The <c>sessionId</c> exactly as the client wrote it; null when absent or JSON null.</summary>
    public string? SessionId { get; init; }

    /// <summary>The raw JSON of <c>requestId</c> (a string with its quotes, or a number); empty when absent.</summary>
    public ReadOnlyMemory<byte> RequestId { get; init; }

    /// <summary>The raw JSON of <c>payload</c>; empty when absent.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    public bool HasPayload => !Payload.IsEmpty;

    /// <summary>The trimmed, upper-case session code, or null when <c>sessionId</c> counts as absent.</summary>
    public string? SessionCode => Sessions.SessionCode.Normalize(SessionId);
}
