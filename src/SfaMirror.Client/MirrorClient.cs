using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using SfaMirror.Client.E2e;
using SfaMirror.Client.Events;
using SfaMirror.Client.Protocol;

namespace SfaMirror.Client;

/// <summary>
/// A client of the SFA Mirror relay. Requests are matched to their replies by <c>requestId</c> and time out;
/// one receive loop raises the events; a lost connection is re-established with back-off and the session
/// rejoined (as host when this client created it), and a silent one is found by a <c>PING</c> heartbeat.
/// Event handlers run on the receive loop: keep them short.
/// </summary>
public sealed partial class MirrorClient : IAsyncDisposable
{
    private readonly MirrorClientOptions _options;
    private readonly PendingRequests _pending = new();
    private readonly SeqTracker _seqs = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _gate = new();
    private readonly Random _jitter = new();

    /// <summary>A server's Retry-After above this is not believed: a client should come back within minutes.</summary>
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(5);

    /// <summary>The Retry-After of the last refused upgrade, in ticks; 0 when none. Read and cleared by the reconnect loop.</summary>
    private long _refusedForTicks;
    private ClientWebSocket? _socket;
    private TaskCompletionSource<ClientWebSocket> _open = NewOpenSignal();
    private ConnectionState _state = ConnectionState.Closed;
    private SessionInfo? _session;
    private E2eSession? _e2e;

    /// <summary>The join waiting for the host's admission, failed by a <c>JOIN_DENIED</c> (which carries no requestId).</summary>
    private string? _admissionRequestId;
    private Task? _run;
    private long _nextRequestId;

    public MirrorClient(MirrorClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>Another member changed the customer, or this client joined a session that has one.</summary>
    public event EventHandler<StateUpdatedEvent>? CustomerChanged;

    /// <summary>Another member changed the product, or this client joined a session that has one.</summary>
    public event EventHandler<StateUpdatedEvent>? ProductChanged;

    public event EventHandler<PeerJoinedEvent>? PeerJoined;

    public event EventHandler<PeerLeftEvent>? PeerLeft;

    /// <summary>The session ended: by its host, by expiry, or (<c>not_found</c>) while this client was reconnecting.</summary>
    public event EventHandler<SessionEndedEvent>? SessionEnded;

    /// <summary>A server <c>ERROR</c> that answers no pending request, or a malformed server message (skipped).</summary>
    public event EventHandler<MirrorException>? Error;

    public event EventHandler<ConnectionState>? StateChanged;

    public ConnectionState State
    {
        get { lock (_gate) { return _state; } }
    }

    /// <summary>The code of the session this client is in, if any.</summary>
    public string? SessionId => Volatile.Read(ref _session)?.SessionId;

    /// <summary><c>host</c> or <c>viewer</c> in the current session, if any.</summary>
    public string? Role => Volatile.Read(ref _session)?.Role;

    /// <summary>Opens the connection; fails with <c>CONNECT_FAILED</c> when the server cannot be reached (no retry for
    /// the first connection).</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        lock (_gate)
        {
            if (_run is not null || _state != ConnectionState.Closed)
            {
                throw new InvalidOperationException("The client is already connected.");
            }
        }
        lock (_gate)
        {
            _open = NewOpenSignal();
        }
        SetState(ConnectionState.Connecting);
        ClientWebSocket socket;
        try
        {
            socket = await OpenSocketAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            SetState(ConnectionState.Closed);
            throw new MirrorException(MirrorErrorCodes.ConnectFailed, $"Cannot open {_options.Url}: {ex.Message}", innerException: ex);
        }
        catch
        {
            SetState(ConnectionState.Closed);
            throw;
        }
        MarkOpen(socket);
        _run = Task.Run(() => RunAsync(socket, _disposed.Token), CancellationToken.None);
    }

    /// <summary>Creates a session with this client as its host.</summary>
    public Task<SessionCreated> CreateSessionAsync(CancellationToken cancellationToken = default) =>
        CreateSessionAsync(new CreateSessionOptions(), cancellationToken);

    /// <summary>Creates a session with this client as its host: with a host token, read-only viewers, host admission or
    /// end-to-end encryption (then this client pairs with each viewer and seals every state by itself).</summary>
    public async Task<SessionCreated> CreateSessionAsync(CreateSessionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var wire = new CreatePayload(
            options.HostToken,
            options.ReadOnlyViewers ? "read-only" : null,
            options.HostAdmission ? "host" : null,
            options.Encrypted ? "e2e" : null);
        JsonElement? payload = wire == new CreatePayload(null, null, null, null)
            ? null
            : JsonSerializer.SerializeToElement(wire, MirrorJsonContext.Default.CreatePayload);
        var reply = await RequestAsync(WireTypes.CreateSession, null, payload, cancellationToken, onReply: message =>
        {
            if (message.Type == WireTypes.SessionCreated)
            {
                var code = message.RequireSessionId();
                Volatile.Write(ref _e2e, options.Encrypted ? E2eSession.ForHost(code) : null);
                Volatile.Write(ref _session, new SessionInfo(code, "host", message.GetString("resumeToken"), options.HostToken));
            }
        }).ConfigureAwait(false);
        Expect(reply, WireTypes.SessionCreated);
        return new SessionCreated(reply.RequireSessionId(), reply.GetString("resumeToken"))
        {
            MemberId = reply.GetOptionalString("memberId") ?? "",
            Encrypted = options.Encrypted,
        };
    }

    /// <summary>Joins a session as a viewer, or as its host with its <paramref name="resumeToken"/>. The session's
    /// current state follows as <see cref="CustomerChanged"/> / <see cref="ProductChanged"/>.</summary>
    public Task<SessionJoined> JoinSessionAsync(string sessionId, string? resumeToken = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sessionId);
        return JoinSessionAsync(new JoinOptions { SessionId = sessionId, ResumeToken = resumeToken }, cancellationToken);
    }

    /// <summary>Joins by code, by join key (with a link's content key in an encrypted session) or as the host. A join
    /// the host must admit raises <see cref="JoinPending"/> and waits up to <see cref="MirrorClientOptions.AdmissionTimeout"/>;
    /// a refusal is a <see cref="MirrorException"/> with the relay's code (<c>JOIN_DENIED</c> when the host denied it).</summary>
    public async Task<SessionJoined> JoinSessionAsync(JoinOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.SessionId) && string.IsNullOrWhiteSpace(options.JoinKey))
        {
            throw new ArgumentException("A join needs a session code or a join key.", nameof(options));
        }
        var reply = await JoinCoreAsync(options, socket: null, cancellationToken).ConfigureAwait(false);
        return new SessionJoined(
            reply.RequireSessionId(), reply.GetString("role"), reply.GetInt32("members"), reply.GetOptionalString("memberId"),
            reply.GetOptionalBoolean("hostVerified") ?? false, reply.GetOptionalString("encryption") == "e2e");
    }

    /// <summary>Joins by a link (<see cref="JoinLink.Parse"/>).</summary>
    public Task<SessionJoined> JoinWithLinkAsync(JoinLink link, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        return JoinSessionAsync(JoinOptions.FromLink(link), cancellationToken);
    }

    /// <summary>Sets the session's customer; returns how many other members it was delivered to.</summary>
    public Task<int> SendCustomerAsync(JsonElement payload, CancellationToken cancellationToken = default) =>
        SendStateAsync(StateKind.Customer, payload, cancellationToken);

    /// <summary>Sets the session's customer from any serializable value (<c>null</c> clears it).</summary>
    public Task<int> SendCustomerAsync(object? payload, CancellationToken cancellationToken = default) =>
        SendStateAsync(StateKind.Customer, ToElement(payload), cancellationToken);

    /// <summary>Sets the session's product; returns how many other members it was delivered to.</summary>
    public Task<int> SendProductAsync(JsonElement payload, CancellationToken cancellationToken = default) =>
        SendStateAsync(StateKind.Product, payload, cancellationToken);

    /// <summary>Sets the session's product from any serializable value (<c>null</c> clears it).</summary>
    public Task<int> SendProductAsync(object? payload, CancellationToken cancellationToken = default) =>
        SendStateAsync(StateKind.Product, ToElement(payload), cancellationToken);

    /// <summary>The session's current customer; null when none is set.</summary>
    public Task<JsonElement?> RequestCustomerAsync(CancellationToken cancellationToken = default) =>
        RequestStateAsync(WireTypes.RequestCustomerUpdate, StateKind.Customer, cancellationToken);

    /// <summary>The session's current product; null when none is set.</summary>
    public Task<JsonElement?> RequestProductAsync(CancellationToken cancellationToken = default) =>
        RequestStateAsync(WireTypes.RequestProductUpdate, StateKind.Product, cancellationToken);

    /// <summary>Leaves the current session (the others see <c>PEER_LEFT</c>, reason <c>left</c>).</summary>
    public async Task LeaveSessionAsync(CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(WireTypes.LeaveSession, SessionId, null, cancellationToken, onReply: message =>
        {
            if (message.Type == WireTypes.SessionLeft)
            {
                Volatile.Write(ref _session, null);
            }
        }).ConfigureAwait(false);
        Expect(reply, WireTypes.SessionLeft);
    }

    /// <summary>Ends the session for every member (host only; a viewer gets <c>NOT_HOST</c>).</summary>
    public async Task EndSessionAsync(CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(WireTypes.EndSession, SessionId, null, cancellationToken, onReply: message =>
        {
            if (message.Type == WireTypes.SessionEnded)
            {
                Volatile.Write(ref _session, null);
                Raise(new SessionEndedEvent(message.RequireSessionId(), message.GetOptionalString("reason") ?? "ended_by_host"));
            }
        }).ConfigureAwait(false);
        Expect(reply, WireTypes.SessionEnded);
    }

    /// <summary>One application-level round trip (<c>PING</c> to <c>PONG</c>).</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var reply = await RequestAsync(WireTypes.Ping, null, null, cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        Expect(reply, WireTypes.Pong);
        return elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }
        _disposed.Cancel();
        ClientWebSocket? socket;
        lock (_gate)
        {
            socket = _socket;
        }
        if (socket is { State: WebSocketState.Open })
        {
            // A clean close lets the others see this member leave at once rather than after a keep-alive timeout.
            using var closeTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", closeTimeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
        socket?.Abort();
        if (_run is not null)
        {
            await _run.ConfigureAwait(false);
        }
        _pending.FailAll(new MirrorException(MirrorErrorCodes.Closed, "The client is closed."));
        CompleteSubscribers();
        SetState(ConnectionState.Closed);
        socket?.Dispose();
        _writeLock.Dispose();
    }

    private async Task<InboundMessage> JoinCoreAsync(JoinOptions options, ClientWebSocket? socket, CancellationToken cancellationToken)
    {
        var linkKey = options.ContentKey is { Length: > 0 } k ? E2eCrypto.FromBase64Url(k) : null;
        var wire = new JoinPayload(options.ResumeToken, options.HostToken, options.JoinKey);
        JsonElement? payload = wire == new JoinPayload(null, null, null)
            ? null
            : JsonSerializer.SerializeToElement(wire, MirrorJsonContext.Default.JoinPayload);
        var reply = await RequestAsync(WireTypes.JoinSession, options.SessionId, payload, cancellationToken, socket, onReply: message =>
        {
            if (message.Type == WireTypes.SessionJoined)
            {
                var code = message.RequireSessionId();
                var role = message.GetString("role");
                var encrypted = message.GetOptionalString("encryption") == "e2e";
                var e2e = Volatile.Read(ref _e2e);
                if (!encrypted)
                {
                    Volatile.Write(ref _e2e, null);
                }
                else if (e2e is null || e2e.Code != code)
                {
                    Volatile.Write(ref _e2e, E2eSession.ForJoin(code, role == "host", linkKey, options.Generation));
                }
                Volatile.Write(ref _session, new SessionInfo(code, role, role == "host" ? options.ResumeToken : null, role == "host" ? options.HostToken : null));
            }
        }, onPending: message =>
        {
            var code = message.RequireSessionId();
            var encrypted = message.GetOptionalString("encryption") == "e2e";
            var e2e = Volatile.Read(ref _e2e);
            if (!encrypted)
            {
                Volatile.Write(ref _e2e, null);
            }
            else if (e2e is null || e2e.Code != code)
            {
                Volatile.Write(ref _e2e, E2eSession.ForViewer(code, linkKey, options.Generation));
            }
            Raise(new JoinPendingEvent(code, message.GetString("memberId"), encrypted));
        }).ConfigureAwait(false);
        Expect(reply, WireTypes.SessionJoined);
        return reply;
    }

    private async Task<int> SendStateAsync(StateKind kind, JsonElement payload, CancellationToken cancellationToken)
    {
        var sessionId = SessionId;
        var state = NullIfUndefined(payload) ?? NullElement;
        if (Volatile.Read(ref _e2e) is { } e2e && e2e.Code == sessionId)
        {
            state = e2e.Seal(kind, state);
        }
        var reply = await RequestAsync(kind == StateKind.Customer ? WireTypes.ViewCustomer : WireTypes.ViewProduct, sessionId, state, cancellationToken).ConfigureAwait(false);
        Expect(reply, WireTypes.Ack);
        return reply.GetInt32("delivered");
    }

    private async Task<JsonElement?> RequestStateAsync(string type, StateKind kind, CancellationToken cancellationToken)
    {
        var sessionId = SessionId;
        var reply = await RequestAsync(type, sessionId, null, cancellationToken).ConfigureAwait(false);
        if (reply.Type == WireTypes.Ack)
        {
            return null;
        }
        Expect(reply, kind == StateKind.Customer ? WireTypes.ViewCustomer : WireTypes.ViewProduct);
        var state = NullIfUndefined(reply.Payload) ?? NullElement;
        if (Volatile.Read(ref _e2e) is { } e2e && e2e.Code == sessionId)
        {
            var opened = e2e.Open(kind, state, reply.Seq, hold: false)!;
            return opened.IsOpen
                ? opened.Payload
                : throw new MirrorException(MirrorErrorCodes.Undecryptable, $"The {E2eSession.KindName(kind)} does not open: {opened.Failure}.", reply.RequestId);
        }
        return state;
    }

    /// <summary>
    /// Sends a request and waits for the message that carries its <c>requestId</c>. Without an explicit
    /// <paramref name="socket"/> it first waits (within the same timeout) for the connection to be open.
    /// </summary>
    private async Task<InboundMessage> RequestAsync(
        string type, string? sessionId, JsonElement? payload, CancellationToken cancellationToken,
        ClientWebSocket? socket = null, Action<InboundMessage>? onReply = null, Action<InboundMessage>? onPending = null)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        var requestId = Interlocked.Increment(ref _nextRequestId).ToString(CultureInfo.InvariantCulture);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        timeout.CancelAfter(_options.RequestTimeout);
        var admission = false;
        Func<InboundMessage, bool>? interim = onPending is null ? null : message =>
        {
            if (message.Type != WireTypes.JoinPending)
            {
                return false;
            }
            // Held for the host: the final reply (SESSION_JOINED, or JOIN_DENIED without a requestId) may take a while.
            admission = true;
            Volatile.Write(ref _admissionRequestId, requestId);
            try
            {
                timeout.CancelAfter(_options.AdmissionTimeout);
            }
            catch (ObjectDisposedException)
            {
            }
            onPending(message);
            return true;
        };
        var reply = _pending.Add(requestId, onReply, interim);
        try
        {
            socket ??= await WaitOpenAsync(timeout.Token).ConfigureAwait(false);
            var envelope = new OutboundEnvelope { Type = type, SessionId = sessionId, Payload = payload, RequestId = requestId };
            await SendAsync(socket, envelope, timeout.Token).ConfigureAwait(false);
            var message = await reply.WaitAsync(timeout.Token).ConfigureAwait(false);
            if (message.Type == WireTypes.Error)
            {
                throw new MirrorException(
                    message.GetOptionalString("code") ?? "ERROR", message.GetOptionalString("message") ?? "Error", requestId);
            }
            return message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            if (_disposed.IsCancellationRequested)
            {
                throw new MirrorException(MirrorErrorCodes.Closed, "The client is closed.", requestId);
            }
            throw new MirrorException(
                MirrorErrorCodes.Timeout,
                admission
                    ? string.Create(CultureInfo.InvariantCulture, $"Not admitted within {_options.AdmissionTimeout.TotalSeconds} s")
                    : string.Create(CultureInfo.InvariantCulture, $"No reply to {type} within {_options.RequestTimeout.TotalSeconds} s"),
                requestId);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException)
        {
            throw new MirrorException(MirrorErrorCodes.ConnectionLost, $"The connection dropped while sending {type}.", requestId, ex);
        }
        finally
        {
            _pending.Remove(requestId);
            Interlocked.CompareExchange(ref _admissionRequestId, null, requestId);
        }
    }

    private async Task SendAsync(ClientWebSocket socket, OutboundEnvelope envelope, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(envelope, MirrorJsonContext.Default.OutboundEnvelope);
        // ClientWebSocket allows one send at a time: every frame goes through this one writer.
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static void Expect(InboundMessage reply, string type)
    {
        if (reply.Type != type)
        {
            throw new MirrorException(MirrorErrorCodes.UnexpectedReply, $"Expected {type} but the server answered {reply.Type}.", reply.RequestId);
        }
    }

    private static readonly JsonElement NullElement = JsonDocument.Parse("null").RootElement;

    private static JsonElement? NullIfUndefined(JsonElement element) =>
        element.ValueKind == JsonValueKind.Undefined ? null : element;

    private static JsonElement ToElement(object? payload) => payload switch
    {
        null => NullElement,
        JsonElement element => element,
        JsonDocument document => document.RootElement,
        _ => JsonSerializer.SerializeToElement(payload, payload.GetType(), JsonSerializerOptions.Web),
    };

    private static TaskCompletionSource<ClientWebSocket> NewOpenSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
