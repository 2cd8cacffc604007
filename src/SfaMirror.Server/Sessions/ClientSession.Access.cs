using SfaMirror.Server.Backplane;
using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Sessions;

/// <summary>Who may host and who may write (docs/protocol.md, "Host tokens", "Read-only viewers", "Admission", "Encrypted sessions").</summary>
internal sealed partial class ClientSession
{
    /// <summary>
    /// Reads <c>CREATE_SESSION</c>'s <c>payload.viewers</c> and checks its <c>payload.token</c>; answers the error and
    /// returns null when the session may not be created. With host tokens off the token is not even read.
    /// </summary>
    private async ValueTask<SessionAccess?> CreateAccessAsync(InboundMessage msg, CancellationToken ct)
    {
        if (!PayloadFields.TryReadString(msg.Payload, "viewers"u8, out var viewers) || viewers is not (null or "read-only" or "read-write"))
        {
            SendError(ErrorCodes.InvalidMessage, msg, "\"payload.viewers\" must be \"read-only\" or \"read-write\"");
            return null;
        }
        if (!PayloadFields.TryReadString(msg.Payload, "admission"u8, out var admission) || admission is not (null or "host" or "open"))
        {
            SendError(ErrorCodes.InvalidMessage, msg, "\"payload.admission\" must be \"host\" or \"open\"");
            return null;
        }
        if (!PayloadFields.TryReadString(msg.Payload, "encryption"u8, out var encryption) || encryption is not (null or "e2e"))
        {
            SendError(ErrorCodes.InvalidMessage, msg, "\"payload.encryption\" must be \"e2e\"");
            return null;
        }
        var encrypted = encryption == "e2e";
        if (_options.RequireE2E && !encrypted)
        {
            SendError(ErrorCodes.E2ERequired, msg);
            return null;
        }
        if (await AuthenticateHostAsync(msg, ct).ConfigureAwait(false) is not { } host)
        {
            return null;
        }
        // An encrypted session always admits: the host hands each viewer the key only after comparing codes.
        var admitByHost = encrypted || admission == "host" || (admission is null && _options.Admission == AdmissionMode.Host);
        return new SessionAccess(viewers == "read-only", host.Subject, host.Subject is not null, admitByHost, encrypted);
    }

    /// <summary>A host's resume (a join with <c>payload.resumeToken</c>) needs a valid host token as a create does.</summary>
    private async ValueTask<bool> HostMayResumeAsync(InboundMessage msg, CancellationToken ct) =>
        await AuthenticateHostAsync(msg, ct).ConfigureAwait(false) is not null;

    private async ValueTask<HostAuthResult?> AuthenticateHostAsync(InboundMessage msg, CancellationToken ct)
    {
        if (_hostTokens.Mode == HostAuthMode.Off)
        {
            return HostAuthResult.Anonymous;
        }
        if (!PayloadFields.TryReadString(msg.Payload, "token"u8, out var token))
        {
            SendError(ErrorCodes.InvalidMessage, msg, "\"payload.token\" must be a string");
            return null;
        }
        var result = await _hostTokens.ValidateAsync(token, ct).ConfigureAwait(false);
        if (result.ErrorCode is { } code)
        {
            Log.HostTokenRefused(_logger, _connection.Id, code, result.Message!);
            SendError(code, msg, result.Message);
            return null;
        }
        return result;
    }
}
