using SfaMirror.Server.Backplane;
using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Sessions;

/// <summary>A host's controls, signals to one member and join links (docs/protocol.md, "Host controls", "Messages to one member", "Join links").</summary>
internal sealed partial class ClientSession
{
    private const int MaxJoinLinkUses = 1000;
    private const int DefaultJoinLinkSeconds = 600;
    private const string HostOnly = "Only the host can do this";

    private async ValueTask ControlAsync(InboundMessage msg, HostControl control, CancellationToken ct)
    {
        if (ResolveSession(msg) is not { } code)
        {
            return;
        }
        string? target = null;
        if (control is HostControl.Admit or HostControl.Deny or HostControl.Kick
            && (!PayloadFields.TryReadString(msg.Payload, "memberId"u8, out target) || target is null))
        {
            SendError(ErrorCodes.InvalidMessage, msg, "\"payload.memberId\" must be a string");
            return;
        }
        var status = await _store.ControlAsync(code, MemberId, control, target, ct).ConfigureAwait(false);
        if (status != StoreStatus.Ok)
        {
            await FailControlAsync(code, status, msg).ConfigureAwait(false);
            return;
        }
        Log.HostControl(_logger, code, _connection.Id, MessageTypes.NameOf(msg.Kind));
        if (!msg.RequestId.IsEmpty)
        {
            bool? locked = control switch { HostControl.Lock => true, HostControl.Unlock => false, _ => null };
            _connection.Send(FrameEncoder.AckDone(code, locked, msg.RequestId.Span));
        }
    }

    private async ValueTask SignalAsync(InboundMessage msg, CancellationToken ct)
    {
        if (ResolveSession(msg, allowWaiting: true) is not { } code)
        {
            return;
        }
        if (!PayloadFields.TryReadString(msg.Payload, "to"u8, out var to) || to is null)
        {
            SendError(ErrorCodes.InvalidMessage, msg, "\"payload.to\" must be a member id");
            return;
        }
        var data = PayloadFields.ReadRaw(msg.Payload, "data"u8);
        if (data.IsEmpty)
        {
            SendError(ErrorCodes.InvalidMessage, msg, "\"payload.data\" is required");
            return;
        }
        if (data.Length > _options.MaxSignalBytes)
        {
            SendError(ErrorCodes.InvalidMessage, msg, $"\"payload.data\" is over {_options.MaxSignalBytes} bytes");
            return;
        }
        if (to == MemberId)
        {
            SendError(ErrorCodes.NotAllowed, msg, "A member cannot signal itself");
            return;
        }
        var status = await _store.SignalAsync(code, MemberId, to, data, ct).ConfigureAwait(false);
        if (status != StoreStatus.Ok)
        {
            await FailControlAsync(code, status, msg).ConfigureAwait(false);
            return;
        }
        if (!msg.RequestId.IsEmpty)
        {
            _connection.Send(FrameEncoder.AckDelivered(code, 1, msg.RequestId.Span));
        }
    }

    private async ValueTask CreateJoinLinkAsync(InboundMessage msg, CancellationToken ct)
    {
        if (ResolveSession(msg) is not { } code)
        {
            return;
        }
        if (!PayloadFields.TryReadInt(msg.Payload, "ttlSeconds"u8, out var ttl) || ttl is < 1 || ttl > _options.MaxJoinLinkSeconds)
        {
            SendError(ErrorCodes.InvalidMessage, msg, $"\"payload.ttlSeconds\" must be a whole number from 1 to {_options.MaxJoinLinkSeconds}");
            return;
        }
        if (!PayloadFields.TryReadInt(msg.Payload, "uses"u8, out var uses) || uses is < 1 or > MaxJoinLinkUses)
        {
            SendError(ErrorCodes.InvalidMessage, msg, $"\"payload.uses\" must be a whole number from 1 to {MaxJoinLinkUses}");
            return;
        }
        var lifetime = TimeSpan.FromSeconds(ttl ?? Math.Min(DefaultJoinLinkSeconds, _options.MaxJoinLinkSeconds));
        var key = ResumeToken.Create();
        var expiresAt = DateTimeOffset.UtcNow + lifetime;
        var status = await _store.CreateJoinLinkAsync(code, MemberId, ResumeToken.Hash(key), lifetime, uses ?? 1, ct).ConfigureAwait(false);
        if (status != StoreStatus.Ok)
        {
            await FailControlAsync(code, status, msg).ConfigureAwait(false);
            return;
        }
        _connection.Send(FrameEncoder.JoinLink(code, key, expiresAt, uses ?? 1, msg.RequestId.Span));
    }

    /// <summary>As <see cref="FailAsync"/>, with the host-only message that fits every control.</summary>
    private ValueTask FailControlAsync(string code, StoreStatus status, InboundMessage msg)
    {
        if (status == StoreStatus.NotHost)
        {
            SendError(ErrorCodes.NotHost, msg, HostOnly);
            return ValueTask.CompletedTask;
        }
        return FailAsync(code, status, msg);
    }
}
