using System.Buffers;
using System.Net.WebSockets;
using SfaMirror.Client.Events;
using SfaMirror.Client.Protocol;

namespace SfaMirror.Client;

public sealed partial class MirrorClient
{
    /// <summary>A server frame larger than this is not a relay message: the connection is dropped.</summary>
    private const int MaxFrameBytes = 16 * 1024 * 1024;

    /// <summary>Close status of a host whose role was resumed on another connection: reconnecting would take it back.</summary>
    private const int HostResumedElsewhere = 4000;

    /// <summary>
    /// Owns the connection for the client's whole life: receives on the current socket until it ends, then, unless
    /// the client is closing, reconnects with back-off and rejoins the session, and starts over.
    /// </summary>
    private async Task RunAsync(ClientWebSocket socket, CancellationToken stopping)
    {
        var attempt = 0;
        var reconnected = false;
        while (true)
        {
            using var connection = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            // DisposeAsync aborts the socket it sees; one opened by a reconnect while it ran is aborted here, or its
            // receive would wait for a server that has no reason to close.
            var current = socket;
            using var abortOnStop = stopping.Register(() => current.Abort());
            var receive = ReceiveLoopAsync(socket);
            if (reconnected)
            {
                if (await RejoinAsync(socket, stopping).ConfigureAwait(false))
                {
                    attempt = 0;
                    MarkOpen(socket);
                }
                else
                {
                    socket.Abort();
                }
            }
            var heartbeat = HeartbeatAsync(socket, connection.Token);
            var closeStatus = await receive.ConfigureAwait(false);
            await connection.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);

            lock (_gate)
            {
                _socket = null;
                if (_open.Task.IsCompleted)
                {
                    _open = NewOpenSignal();
                }
            }
            _pending.FailAll(new MirrorException(MirrorErrorCodes.ConnectionLost, "The connection dropped before the reply arrived."));
            socket.Dispose();

            if ((int?)closeStatus == HostResumedElsewhere)
            {
                RaiseError(new MirrorException(MirrorErrorCodes.HostResumedElsewhere, "Another connection resumed this session as host."));
                break;
            }
            if (stopping.IsCancellationRequested || !_options.Reconnect.Enabled)
            {
                break;
            }
            SetState(ConnectionState.Reconnecting);
            var next = await ReconnectAsync(attempt, stopping).ConfigureAwait(false);
            if (next is null)
            {
                break;
            }
            (socket, attempt) = next.Value;
            reconnected = true;
        }
        if (!stopping.IsCancellationRequested)
        {
            // Reconnection is off or was refused for good: nothing more will arrive.
            _pending.FailAll(new MirrorException(MirrorErrorCodes.Closed, "The connection is closed."));
            CompleteSubscribers();
        }
        SetState(ConnectionState.Closed);
    }

    /// <summary>Waits and connects until a socket opens; the attempt count goes on across failed rejoins.</summary>
    private async Task<(ClientWebSocket Socket, int Attempt)?> ReconnectAsync(int attempt, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            TimeSpan delay;
            lock (_gate)
            {
                delay = _options.Reconnect.DelayFor(attempt, _jitter);
            }
            // A relay that refused the last upgrade (429/503) said when to come back: never sooner than that.
            if (Interlocked.Exchange(ref _refusedForTicks, 0) is > 0 and var ticks && ticks > delay.Ticks)
            {
                delay = TimeSpan.FromTicks(ticks);
            }
            attempt++;
            try
            {
                await Task.Delay(delay, stopping).ConfigureAwait(false);
                using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                connectTimeout.CancelAfter(_options.RequestTimeout);
                return (await OpenSocketAsync(connectTimeout.Token).ConfigureAwait(false), attempt);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or HttpRequestException)
            {
                // The server is still away: wait longer and try again.
            }
        }
        return null;
    }

    /// <summary>
    /// Puts the reconnected client back into its session, as host when it holds the resume token. False when the
    /// connection should be dropped and tried again; true when the client is usable (back in its session, or told
    /// by <see cref="SessionEnded"/> that the session is gone).
    /// </summary>
    private async Task<bool> RejoinAsync(ClientWebSocket socket, CancellationToken stopping)
    {
        var session = Volatile.Read(ref _session);
        if (session is null)
        {
            return true;
        }
        try
        {
            await JoinCoreAsync(new JoinOptions { SessionId = session.SessionId, ResumeToken = session.ResumeToken, HostToken = session.HostToken }, socket, stopping).ConfigureAwait(false);
            return true;
        }
        catch (MirrorException ex) when (ex.Code == WireTypes.SessionNotFoundCode)
        {
            ForgetSession(session, SessionEndedEvent.NotFound);
            return true;
        }
        catch (MirrorException ex) when (RejoinRefusedForGood(ex.Code))
        {
            RaiseError(new MirrorException(MirrorErrorCodes.RejoinFailed, $"Could not rejoin {session.SessionId}: {ex.Code}", innerException: ex));
            ForgetSession(session, SessionEndedEvent.RejoinFailed);
            return true;
        }
        catch (MirrorException)
        {
            // Timeout, lost connection, rate limit, store unavailable: the session may well be there; retry later.
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Refusals that a retry cannot change: the session is full, locked or needs a join key this client no longer
    /// holds, the host turned this connection away or its token is no good. Anything else (a timeout, a rate limit,
    /// the store away) may pass, so the rejoin is tried again. The TypeScript client keeps the same list.
    /// </summary>
    private static bool RejoinRefusedForGood(string code) => code is
        MirrorErrorCodes.SessionFull or "SESSION_ID_REQUIRED" or "INVALID_MESSAGE" or MirrorErrorCodes.SessionLocked
        or MirrorErrorCodes.JoinKeyRequired or MirrorErrorCodes.JoinKeyInvalid or MirrorErrorCodes.Kicked
        or MirrorErrorCodes.JoinDenied or MirrorErrorCodes.AuthRequired or MirrorErrorCodes.AuthInvalid;

    private void ForgetSession(SessionInfo session, string reason)
    {
        Interlocked.CompareExchange(ref _session, null, session);
        Raise(new SessionEndedEvent(session.SessionId, reason));
    }

    /// <summary>Sends a <c>PING</c> every interval; one left unanswered means the connection is dead, so it is cut.</summary>
    private async Task HeartbeatAsync(ClientWebSocket socket, CancellationToken connectionToken)
    {
        if (_options.HeartbeatInterval <= TimeSpan.Zero)
        {
            return;
        }
        try
        {
            while (true)
            {
                await Task.Delay(_options.HeartbeatInterval, connectionToken).ConfigureAwait(false);
                await RequestAsync(WireTypes.Ping, null, null, connectionToken, socket).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
        }
        catch (MirrorException)
        {
            socket.Abort();
        }
    }

    /// <summary>Reads frames until the socket closes or fails; returns the close status the server sent, if any.</summary>
    private async Task<WebSocketCloseStatus?> ReceiveLoopAsync(ClientWebSocket socket)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.GetMemory(8 * 1024), CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return socket.CloseStatus;
                }
                buffer.Advance(result.Count);
                if (buffer.WrittenCount > MaxFrameBytes)
                {
                    RaiseError(new MirrorException(MirrorErrorCodes.MalformedMessage, "A server message exceeded the size limit."));
                    socket.Abort();
                    return null;
                }
                if (!result.EndOfMessage)
                {
                    continue;
                }
                if (result.MessageType == WebSocketMessageType.Text)
                {
                    Dispatch(buffer.WrittenSpan, socket);
                }
                else
                {
                    RaiseError(new MirrorException(MirrorErrorCodes.MalformedMessage, "The server sent a binary frame."));
                }
                buffer.ResetWrittenCount();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            return socket.CloseStatus;
        }
    }

    private async Task<ClientWebSocket> OpenSocketAsync(CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        // The server pings and our PING heartbeat covers the other direction; protocol pings from here would add nothing.
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        // So that a refused upgrade's status and Retry-After can be read (RetryAfterOf).
        socket.Options.CollectHttpResponseDetails = true;
        if (_options.UserAgent is { Length: > 0 } userAgent)
        {
            socket.Options.SetRequestHeader("User-Agent", userAgent);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            await socket.ConnectAsync(_options.Url, timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            if (RetryAfterOf(socket) is { } wait)
            {
                Interlocked.Exchange(ref _refusedForTicks, wait.Ticks);
            }
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The <c>Retry-After</c> of a refused upgrade (seconds or an HTTP date), at most <see cref="MaxRetryAfter"/>.</summary>
    private static TimeSpan? RetryAfterOf(ClientWebSocket socket)
    {
        if (socket.HttpResponseHeaders is not { } headers || !headers.TryGetValue("Retry-After", out var values) || values.FirstOrDefault() is not { } value)
        {
            return null;
        }
        TimeSpan? wait = int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at - DateTimeOffset.UtcNow : null;
        return wait is { } w && w > TimeSpan.Zero ? (w < MaxRetryAfter ? w : MaxRetryAfter) : null;
    }

    private async Task<ClientWebSocket> WaitOpenAsync(CancellationToken cancellationToken)
    {
        Task<ClientWebSocket> open;
        lock (_gate)
        {
            if (_state == ConnectionState.Closed)
            {
                throw new MirrorException(MirrorErrorCodes.Closed, "The client is not connected.");
            }
            open = _open.Task;
        }
        return await open.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void MarkOpen(ClientWebSocket socket)
    {
        lock (_gate)
        {
            _socket = socket;
            _open.TrySetResult(socket);
        }
        SetState(ConnectionState.Open);
    }

    private void SetState(ConnectionState state)
    {
        lock (_gate)
        {
            if (_state == state)
            {
                return;
            }
            _state = state;
            if (state == ConnectionState.Closed)
            {
                _open.TrySetException(new MirrorException(MirrorErrorCodes.Closed, "The connection is closed."));
                _ = _open.Task.Exception; // observed: nobody may be waiting
            }
        }
        Invoke(StateChanged, state);
    }
}
