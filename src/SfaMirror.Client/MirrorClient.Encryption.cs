using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using SfaMirror.Client.E2e;
using SfaMirror.Client.Events;
using SfaMirror.Client.Protocol;

namespace SfaMirror.Client;

public sealed partial class MirrorClient
{
    /// <summary>An end-to-end pairing's 6-digit comparison string is ready: show it; the host admits once they match.</summary>
    public event EventHandler<PairingEvent>? Pairing;

    /// <summary>A state in an encrypted session that this client cannot open (never thrown into the receive loop).</summary>
    public event EventHandler<UndecryptableEvent>? Undecryptable;

    /// <summary>Whether the current (or awaited) session is end-to-end encrypted.</summary>
    public bool IsEncrypted => Volatile.Read(ref _e2e) is not null;

    /// <summary>
    /// The host's current content key (base64url) and its generation, null when this client is not the host of an
    /// encrypted session. An app that must survive a restart keeps it with the resume token, in the platform's
    /// secure storage, and passes both back in <see cref="JoinOptions"/>; anyone who reads it reads the session.
    /// </summary>
    public (string ContentKey, long Generation)? ContentKey =>
        Volatile.Read(ref _e2e) is { IsHost: true } e2e ? e2e.LinkSecret() : null;

    /// <summary>This member's end-to-end state, for tests.</summary>
    internal E2eSession? E2e => Volatile.Read(ref _e2e);

    /// <summary>The host's answer to a waiting viewer in an encrypted session: an offer with a fresh key pair.</summary>
    private void OfferTo(string viewerMemberId, ClientWebSocket socket)
    {
        if (Volatile.Read(ref _e2e) is { IsHost: true } e2e)
        {
            SendInBackground(e2e.Code, viewerMemberId, e2e.Offer(viewerMemberId), socket);
        }
    }

    /// <summary>An <c>offer</c>, <c>answer</c> or <c>key</c> signal; false when the signal is not the pairing's (the app's own).</summary>
    private bool HandlePairingSignal(string sessionId, string from, JsonElement data, ClientWebSocket socket)
    {
        var kind = E2eMessages.SignalKind(data);
        if (kind is not (E2eMessages.Offer or E2eMessages.Answer or E2eMessages.Key) || Volatile.Read(ref _e2e) is not { } e2e)
        {
            return false;
        }
        try
        {
            switch (kind)
            {
                case E2eMessages.Offer when !e2e.IsHost:
                    var answer = e2e.OnOffer(from, data);
                    SendInBackground(e2e.Code, from, answer.Reply!.Value, socket);
                    Raise(new PairingEvent(e2e.Code, from, answer.Comparison, answer.ViaLink));
                    break;
                case E2eMessages.Answer when e2e.IsHost:
                    if (e2e.OnAnswer(from, data) is { } paired)
                    {
                        Raise(new PairingEvent(e2e.Code, from, paired.Comparison, paired.ViaLink));
                        if (paired.Reply is { } keySignal)
                        {
                            SendInBackground(e2e.Code, from, keySignal, socket);
                        }
                    }
                    break;
                case E2eMessages.Key when !e2e.IsHost:
                    foreach (var opened in e2e.OnKey(from, data))
                    {
                        RaiseOpened(e2e.Code, opened);
                    }
                    break;
            }
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            RaiseError(new MirrorException(MirrorErrorCodes.PairingFailed, $"Skipped a {kind} signal from {from} in {sessionId}: {ex.Message}", innerException: ex));
        }
        return true;
    }

    /// <summary>A state of an encrypted session: opened, held for its key, or reported as undecryptable.</summary>
    private void HandleSealedState(E2eSession e2e, string sessionId, StateKind kind, JsonElement payload, long? seq)
    {
        if (e2e.Open(kind, payload, seq) is { } opened)
        {
            RaiseOpened(sessionId, opened);
        }
    }

    private void RaiseOpened(string sessionId, OpenedState opened)
    {
        if (opened.IsOpen)
        {
            Raise(new StateUpdatedEvent(sessionId, opened.Kind, opened.Payload, opened.Seq));
        }
        else
        {
            Raise(new UndecryptableEvent(sessionId, opened.Kind, opened.Payload, opened.Seq, opened.Failure!));
        }
    }

    /// <summary>A signal sent from the receive loop, which must not wait for its ACK: failures are reported as errors.
    /// It goes on <paramref name="socket"/>, the connection the pairing runs on, which is not "open" yet while a rejoin
    /// waits for admission (and the admission waits for this signal).</summary>
    private void SendInBackground(string sessionId, string to, JsonElement data, ClientWebSocket socket)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                await SignalCoreAsync(sessionId, to, data, _disposed.Token, socket).ConfigureAwait(false);
            }
            catch (MirrorException ex)
            {
                RaiseError(ex);
            }
            catch (OperationCanceledException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        });
    }
}
