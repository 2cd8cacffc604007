using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using SfaMirror.Client.Events;
using SfaMirror.Client.Protocol;

namespace SfaMirror.Client;

public sealed partial class MirrorClient
{
    private readonly List<Channel<MirrorEvent>> _subscribers = [];
    private bool _subscribersCompleted;

    /// <summary>
    /// Every event from now on (state, presence, session end) until the client closes or
    /// <paramref name="cancellationToken"/> is cancelled. Each enumeration gets every event.
    /// </summary>
    public async IAsyncEnumerable<MirrorEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<MirrorEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        lock (_subscribers)
        {
            if (_subscribersCompleted)
            {
                yield break;
            }
            _subscribers.Add(channel);
        }
        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var item))
                {
                    yield return item;
                }
            }
        }
        finally
        {
            lock (_subscribers)
            {
                _subscribers.Remove(channel);
            }
        }
    }

    /// <summary>Handles one text frame from the server; never throws, so that one bad message cannot stop the loop.
    /// <paramref name="socket"/> is the one it came on: pairing replies go back on it, even while a rejoin is held for admission.</summary>
    private void Dispatch(ReadOnlySpan<byte> frame, ClientWebSocket socket)
    {
        if (!InboundMessage.TryParse(frame, out var message, out var error))
        {
            RaiseError(new MirrorException(MirrorErrorCodes.MalformedMessage, $"Skipped a malformed server message: {error}"));
            return;
        }
        try
        {
            if (_pending.TryComplete(message!))
            {
                return;
            }
            Handle(message!, socket);
        }
        catch (FormatException ex)
        {
            RaiseError(new MirrorException(MirrorErrorCodes.MalformedMessage, $"Skipped a malformed server message: {ex.Message}", message!.RequestId));
        }
    }

    private void Handle(InboundMessage message, ClientWebSocket socket)
    {
        switch (message.Type)
        {
            case WireTypes.ViewCustomer:
                HandleState(message, StateKind.Customer);
                break;
            case WireTypes.ViewProduct:
                HandleState(message, StateKind.Product);
                break;
            case WireTypes.PeerJoined:
                Raise(new PeerJoinedEvent(message.RequireSessionId(), message.GetString("role"), message.GetInt32("members"), message.GetOptionalString("memberId")));
                break;
            case WireTypes.PeerLeft:
                var leaver = message.GetOptionalString("memberId");
                if (leaver is not null)
                {
                    Volatile.Read(ref _e2e)?.Forget(leaver);
                }
                Raise(new PeerLeftEvent(
                    message.RequireSessionId(), message.GetString("role"), message.GetInt32("members"), message.GetOptionalString("reason") ?? "left", leaver));
                break;
            case WireTypes.JoinRequested:
                var waiting = message.GetString("memberId");
                OfferTo(waiting, socket);
                Raise(new JoinRequestedEvent(message.RequireSessionId(), waiting, message.GetOptionalString("userAgent") ?? ""));
                break;
            case WireTypes.JoinWithdrawn:
                var withdrawn = message.GetString("memberId");
                Volatile.Read(ref _e2e)?.Forget(withdrawn);
                Raise(new JoinWithdrawnEvent(message.RequireSessionId(), withdrawn, message.GetOptionalString("reason") ?? "left"));
                break;
            case WireTypes.JoinDenied:
                var reason = message.GetOptionalString("reason") ?? "denied";
                var deniedIn = message.SessionId ?? Volatile.Read(ref _e2e)?.Code ?? "";
                Volatile.Write(ref _e2e, null);
                Raise(new JoinDeniedEvent(deniedIn, reason));
                if (Interlocked.Exchange(ref _admissionRequestId, null) is { } join)
                {
                    _pending.TryFail(join, new MirrorException(MirrorErrorCodes.JoinDenied, $"The join was refused ({reason}).", join));
                }
                break;
            case WireTypes.Signal:
                var signalIn = message.RequireSessionId();
                var from = message.GetString("from");
                var data = message.Payload.TryGetProperty("data", out var d) ? d.Clone() : throw new FormatException("SIGNAL without payload.data");
                if (!HandlePairingSignal(signalIn, from, data, socket))
                {
                    Raise(new SignalEvent(signalIn, from, data));
                }
                break;
            case WireTypes.SessionEnded:
                var ended = message.RequireSessionId();
                var current = Volatile.Read(ref _session);
                if (current is not null && string.Equals(current.SessionId, ended, StringComparison.Ordinal))
                {
                    Interlocked.CompareExchange(ref _session, null, current);
                }
                if (Volatile.Read(ref _e2e) is { } endedE2e && endedE2e.Code == ended)
                {
                    Interlocked.CompareExchange(ref _e2e, null, endedE2e);
                }
                Raise(new SessionEndedEvent(ended, message.GetOptionalString("reason") ?? "ended_by_host"));
                break;
            case WireTypes.Error:
                RaiseError(new MirrorException(
                    message.GetOptionalString("code") ?? "ERROR", message.GetOptionalString("message") ?? "Error", message.RequestId));
                break;
            default:
                // Late replies to requests that timed out, and types a newer server may add: nothing to do.
                break;
        }
    }

    private void HandleState(InboundMessage message, StateKind kind)
    {
        var sessionId = message.RequireSessionId();
        if (message.Payload.ValueKind == System.Text.Json.JsonValueKind.Undefined)
        {
            throw new FormatException($"{message.Type} without a payload");
        }
        if (!_seqs.IsNew(sessionId, kind, message.Seq))
        {
            return;
        }
        if (Volatile.Read(ref _e2e) is { } e2e && e2e.Code == sessionId)
        {
            HandleSealedState(e2e, sessionId, kind, message.Payload, message.Seq);
            return;
        }
        Raise(new StateUpdatedEvent(sessionId, kind, message.Payload, message.Seq));
    }

    private void Raise(MirrorEvent item)
    {
        switch (item)
        {
            case StateUpdatedEvent { Kind: StateKind.Customer } state:
                Invoke(CustomerChanged, state);
                break;
            case StateUpdatedEvent state:
                Invoke(ProductChanged, state);
                break;
            case PeerJoinedEvent joined:
                Invoke(PeerJoined, joined);
                break;
            case PeerLeftEvent left:
                Invoke(PeerLeft, left);
                break;
            case SessionEndedEvent ended:
                Invoke(SessionEnded, ended);
                break;
            case JoinPendingEvent pending:
                Invoke(JoinPending, pending);
                break;
            case JoinRequestedEvent requested:
                Invoke(JoinRequested, requested);
                break;
            case JoinWithdrawnEvent withdrawn:
                Invoke(JoinWithdrawn, withdrawn);
                break;
            case JoinDeniedEvent denied:
                Invoke(JoinDenied, denied);
                break;
            case SignalEvent signal:
                Invoke(Signal, signal);
                break;
            case PairingEvent pairing:
                Invoke(Pairing, pairing);
                break;
            case UndecryptableEvent undecryptable:
                Invoke(Undecryptable, undecryptable);
                break;
        }
        lock (_subscribers)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(item);
            }
        }
    }

    private void RaiseError(MirrorException error) => Invoke(Error, error, reportFailure: false);

    private void Invoke<T>(EventHandler<T>? handler, T args, bool reportFailure = true)
    {
        if (handler is null)
        {
            return;
        }
        foreach (var single in handler.GetInvocationList().Cast<EventHandler<T>>())
        {
            try
            {
                single(this, args);
            }
            catch (Exception ex) when (reportFailure)
            {
                // A throwing handler is the application's bug; it must not stop the receive loop or the other handlers.
                RaiseError(new MirrorException(MirrorErrorCodes.ListenerError, "An event handler threw.", innerException: ex));
            }
            catch (Exception)
            {
                // An Error handler that throws has nowhere left to report to.
            }
        }
    }

    private void CompleteSubscribers()
    {
        lock (_subscribers)
        {
            _subscribersCompleted = true;
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryComplete();
            }
        }
    }
}
