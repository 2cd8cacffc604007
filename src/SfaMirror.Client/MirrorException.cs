namespace SfaMirror.Client;

/// <summary>
/// A failed request or a problem on the connection. <see cref="Code"/> is the server's <c>ERROR</c> code
/// (<c>SESSION_NOT_FOUND</c>, <c>NOT_HOST</c>, …) or one of the client's own in <see cref="MirrorErrorCodes"/>.
/// </summary>
public sealed class MirrorException : Exception
{
    public MirrorException(string code, string message, string? requestId = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        RequestId = requestId;
    }

    public string Code { get; }

    /// <summary>The request this error answers, when it answers one.</summary>
    public string? RequestId { get; }
}
