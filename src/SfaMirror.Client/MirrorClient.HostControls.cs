using System.Net.WebSockets;
using System.Globalization;
using System.Text.Json;
using SfaMirror.Client.Events;
using SfaMirror.Client.Protocol;

namespace SfaMirror.Client;

public sealed partial class MirrorClient
{
    /// <summary>A viewer asks to join a session this client hosts with admission (answer with <see cref="AdmitAsync"/> or
    /// <see cref="DenyAsync"/>). In an encrypted session a <see cref="Pairing"/> follows once the viewer answered the offer.</summary>
    public event EventHandler<JoinRequestedEvent>? JoinRequested;

    /// <summary>A waiting viewer left, dropped or timed out.</summary>
    public event EventHandler<JoinWithdrawnEvent>? JoinWithdrawn;

    /// <summary>This client's join is held for the host's admission.</summary>
    public event EventHandler<JoinPendingEvent>? JoinPending;

    /// <summary>This client's waiting join was refused (the join call fails with <c>JOIN_DENIED</c> too).</summary>
    public event EventHandler<JoinDeniedEvent>? JoinDenied;

    /// <summary>A member's <c>SIGNAL</c> to this client (not the end-to-end pairing's own).</summary>
    public event EventHandler<SignalEvent>? Signal;

    /// <summary>Admits a waiting viewer (host). In an encrypted session the viewer then gets the content key, sealed
    /// with its pairing's key (at once, or as soon as it answers the offer).</summary>
    public async Task AdmitAsync(string memberId, CancellationToken cancellationToken = default)
    {
        await MemberCommandAsync(WireTypes.Admit, memberId, cancellationToken).ConfigureAwait(false);
        if (Volatile.Read(ref _e2e) is { IsHost: true } e2e && e2e.Admitted(memberId) is { } keySignal)
        {
            await SignalCoreAsync(e2e.Code, memberId, keySignal, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Refuses a waiting viewer (host); it gets <c>JOIN_DENIED</c> <c>denied</c>.</summary>
    public async Task DenyAsync(string memberId, CancellationToken cancellationToken = default)
    {
        await MemberCommandAsync(WireTypes.Deny, memberId, cancellationToken).ConfigureAwait(false);
        Volatile.Read(ref _e2e)?.Forget(memberId);
    }

    /// <summary>
    /// Removes a member or a waiting viewer (host). In an encrypted session the host then makes generation G+1, sends
    /// it to every remaining paired member and sends the current customer and product again sealed under it, so the
    /// kicked member cannot open anything that follows.
    /// </summary>
    public async Task KickAsync(string memberId, CancellationToken cancellationToken = default)
    {
        await MemberCommandAsync(WireTypes.Kick, memberId, cancellationToken).ConfigureAwait(false);
        if (Volatile.Read(ref _e2e) is not { IsHost: true } e2e)
        {
            return;
        }
        foreach (var (member, keySignal) in e2e.Rekey(memberId))
        {
            try
            {
                await SignalCoreAsync(e2e.Code, member, keySignal, cancellationToken).ConfigureAwait(false);
            }
            catch (MirrorException ex) when (ex.Code == MirrorErrorCodes.MemberNotFound)
            {
                e2e.Forget(member);
            }
        }
        foreach (var (kind, payload) in e2e.CurrentStates())
        {
            if (payload.ValueKind != JsonValueKind.Null)
            {
                await SendStateAsync(kind, payload, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Locks the session (host): joins get <c>SESSION_LOCKED</c>. Returns the relay's <c>locked</c>.</summary>
    public Task<bool> LockAsync(CancellationToken cancellationToken = default) => LockCoreAsync(WireTypes.LockSession, cancellationToken);

    public Task<bool> UnlockAsync(CancellationToken cancellationToken = default) => LockCoreAsync(WireTypes.UnlockSession, cancellationToken);

    /// <summary>Sends <paramref name="data"/> to one member (<see cref="Events.SignalEvent"/> there).</summary>
    public Task SignalAsync(string to, JsonElement data, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        var sessionId = SessionId ?? Volatile.Read(ref _e2e)?.Code;
        return SignalCoreAsync(sessionId, to, data, cancellationToken);
    }

    /// <summary>Makes a join link (host): <paramref name="ttl"/> and <paramref name="uses"/> default to the relay's 600 s and 1 use.
    /// In an encrypted session <see cref="JoinLinkCreated.Link"/> carries the current content key for the fragment.</summary>
    public async Task<JoinLinkCreated> CreateJoinLinkAsync(TimeSpan? ttl = null, int? uses = null, CancellationToken cancellationToken = default)
    {
        var payload = JsonPayload.Write(w =>
        {
            if (ttl is { } t)
            {
                w.WriteNumber("ttlSeconds", (long)Math.Ceiling(t.TotalSeconds));
            }
            if (uses is { } u)
            {
                w.WriteNumber("uses", u);
            }
        });
        var reply = await RequestAsync(WireTypes.CreateJoinLink, SessionId, payload, cancellationToken).ConfigureAwait(false);
        Expect(reply, WireTypes.JoinLink);
        var joinKey = reply.GetString("joinKey");
        var expiresAt = DateTimeOffset.Parse(reply.GetString("expiresAt"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var link = ContentKey is { } key ? new JoinLink(joinKey, key.ContentKey, key.Generation) : new JoinLink(joinKey);
        return new JoinLinkCreated(joinKey, expiresAt, reply.GetInt32("uses"), link);
    }

    private async Task MemberCommandAsync(string type, string memberId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(memberId);
        var payload = JsonPayload.Write(w => w.WriteString("memberId", memberId));
        var reply = await RequestAsync(type, SessionId, payload, cancellationToken).ConfigureAwait(false);
        Expect(reply, WireTypes.Ack);
    }

    private async Task<bool> LockCoreAsync(string type, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(type, SessionId, null, cancellationToken).ConfigureAwait(false);
        Expect(reply, WireTypes.Ack);
        return reply.GetOptionalBoolean("locked") ?? type == WireTypes.LockSession;
    }

    private async Task SignalCoreAsync(string? sessionId, string to, JsonElement data, CancellationToken cancellationToken, ClientWebSocket? socket = null)
    {
        var payload = JsonPayload.Write(w =>
        {
            w.WriteString("to", to);
            w.WritePropertyName("data");
            data.WriteTo(w);
        });
        var reply = await RequestAsync(WireTypes.Signal, sessionId, payload, cancellationToken, socket).ConfigureAwait(false);
        Expect(reply, WireTypes.Ack);
    }
}
