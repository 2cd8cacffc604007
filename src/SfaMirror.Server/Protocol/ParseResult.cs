namespace SfaMirror.Server.Protocol;

/// <summary>
/// The outcome of parsing one frame: a message, or the error code to answer with. A failed parse
/// still carries the <c>sessionId</c> and <c>requestId</c> it could read, so that the error echoes them.
/// </summary>
internal readonly struct ParseResult
{
    public InboundMessage Message { get; init; }

    /// <summary>Null when the frame parsed; otherwise an <see cref="ErrorCodes"/> value.</summary>
    public string? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }

    public bool Succeeded => ErrorCode is null;
}
