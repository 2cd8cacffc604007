using Microsoft.Extensions.Logging;
using SfaMirror.Server.Backplane;
using SfaMirror.Server.Observability;
using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Sessions;

/// <summary>
/// One connection's protocol state machine: which session it is in and as what, and what each message
/// it sends does. Messages arrive one at a time from the receive loop; the hub may end the membership
/// from another thread, so the membership is read and written under a lock (never across an await).
/// </summary>
internal sealed partial class ClientSession : IConnectionHandler, ILocalMember
{
    private readonly IClientConnection _connection;
    private readonly ISessionStore _store;
    private readonly SessionHub _hub;
    private readonly PendingResumeTokens _tokens;
    private readonly SessionCodeGenerator _codes;
    private readonly HostTokenValidator _hostTokens;
    private readonly SessionOptions _options;
    private readonly RelayMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ConnectionRateLimiter _limiter;
    private readonly IJoinGuard _joinGuard;
    private readonly RefusedAddresses _refused;
    private readonly Lock _gate = new();
    private string? _code;
    /// <summary>The session <see cref="_code"/> names holds this connection for admission.</summary>
    private bool _waiting;
    /// <summary>The session <see cref="_code"/> is end-to-end encrypted: only sealed payloads go in.</summary>
    private bool _encrypted;
    /// <summary>An admission that arrived (from another node) before the join's own answer did.</summary>
    private string? _admittedEarly;

    public ClientSession(IClientConnection connection, string memberId, ISessionStore store, SessionHub hub, PendingResumeTokens tokens,
        SessionCodeGenerator codes, HostTokenValidator hostTokens, SessionOptions options, RelayMetrics metrics, ILogger logger, IJoinGuard joinGuard, RefusedAddresses refused)
    {
        _connection = connection;
        MemberId = memberId;
        _store = store;
        _hub = hub;
        _tokens = tokens;
        _codes = codes;
        _hostTokens = hostTokens;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _limiter = new ConnectionRateLimiter(options);
        _joinGuard = joinGuard;
        _refused = refused;
    }

    public string MemberId { get; }

    /// <summary>The session this connection is a member of, if any.</summary>
    public string? CurrentCode
    {
        get { lock (_gate) return _code; }
    }

    public async ValueTask OnTextAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        _metrics.MessageReceived(message.Length);
        var parsed = InboundParser.Parse(message, _options.MaxJsonDepth);
        var msg = parsed.Message;
        if (!_limiter.TryTakeMessage())
        {
            Refuse(msg);
            return;
        }
        if (!parsed.Succeeded)
        {
            SendError(parsed.ErrorCode!, msg, parsed.ErrorMessage);
            return;
        }
        Log.MessageProcessed(_logger, _connection.Id, MessageTypes.NameOf(msg.Kind), msg.SessionId, message.Length);
        _metrics.MessageHandled(msg.Kind);
        try
        {
            await DispatchAsync(msg, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException ex)
        {
            Log.StoreUnavailable(_logger, _connection.Id, MessageTypes.NameOf(msg.Kind), ex.Message);
            SendError(ErrorCodes.StoreUnavailable, msg);
        }
    }

    public ValueTask OnBinaryAsync(CancellationToken cancellationToken)
    {
        var none = new InboundMessage { Kind = MessageKind.Unknown };
        if (!_limiter.TryTakeMessage())
        {
            Refuse(none);
            return ValueTask.CompletedTask;
        }
        SendError(ErrorCodes.UnsupportedFrame, none);
        return ValueTask.CompletedTask;
    }

    public async ValueTask OnClosedAsync()
    {
        // A token whose Created event never came back (Redis went away mid-create) must not linger.
        _tokens.Forget(MemberId);
        string? code;
        lock (_gate)
        {
            code = _code;
            _code = null;
            _waiting = false;
        }
        if (code is not null)
        {
            await LeaveAsync(code, LeaveReason.Disconnected, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private ValueTask DispatchAsync(InboundMessage msg, CancellationToken ct) => msg.Kind switch
    {
        MessageKind.CreateSession => CreateAsync(msg, ct),
        MessageKind.JoinSession => JoinAsync(msg, ct),
        MessageKind.ViewCustomer => UpdateAsync(msg, StateKind.Customer, ct),
        MessageKind.ViewProduct => UpdateAsync(msg, StateKind.Product, ct),
        MessageKind.RequestCustomerUpdate => ReadAsync(msg, StateKind.Customer, ct),
        MessageKind.RequestProductUpdate => ReadAsync(msg, StateKind.Product, ct),
        MessageKind.LeaveSession => LeaveSessionAsync(msg, ct),
        MessageKind.EndSession => EndAsync(msg, ct),
        MessageKind.Ping => Pong(msg),
        MessageKind.Admit => ControlAsync(msg, HostControl.Admit, ct),
        MessageKind.Deny => ControlAsync(msg, HostControl.Deny, ct),
        MessageKind.Kick => ControlAsync(msg, HostControl.Kick, ct),
        MessageKind.LockSession => ControlAsync(msg, HostControl.Lock, ct),
        MessageKind.UnlockSession => ControlAsync(msg, HostControl.Unlock, ct),
        MessageKind.Signal => SignalAsync(msg, ct),
        MessageKind.CreateJoinLink => CreateJoinLinkAsync(msg, ct),
        _ => throw new InvalidOperationException($"Unhandled message kind {msg.Kind}"),
    };

    private ValueTask Pong(InboundMessage msg)
    {
        _connection.Send(FrameEncoder.Pong(msg.Payload.Span, msg.RequestId.Span));
        return ValueTask.CompletedTask;
    }

    /// <summary>Answers a refused message (at most once a second) and closes an abusive connection.</summary>
    private void Refuse(InboundMessage msg)
    {
        var reply = _limiter.RecordRefusal(out var mustClose);
        if (reply)
        {
            SendError(ErrorCodes.RateLimited, msg);
        }
        if (mustClose)
        {
            Log.RateLimitClose(_logger, _connection.Id, _options.RateLimitStrikes);
            _connection.Close(CloseCodes.PolicyViolation);
        }
    }

    private void SendError(string errorCode, InboundMessage msg, string? message = null)
    {
        _metrics.ErrorSent(errorCode);
        _connection.Send(FrameEncoder.Error(errorCode, message ?? ErrorCodes.DefaultMessage(errorCode), msg.SessionId, msg.RequestId.Span));
    }

    public void Send(OutboundFrame frame) => _connection.Send(frame);

    public void OnSessionEnded(string sessionCode) => ForgetMembership(sessionCode);

    public void OnAdmitted(string sessionCode)
    {
        lock (_gate)
        {
            if (_code == sessionCode && _waiting)
            {
                _waiting = false;
            }
            else if (_code != sessionCode)
            {
                _admittedEarly = sessionCode;
                return;
            }
        }
        _metrics.MemberJoined(MemberRole.Viewer);
    }

    public void OnHostResumedElsewhere(string sessionCode)
    {
        ForgetMembership(sessionCode);
        _connection.Close(CloseCodes.HostResumedElsewhere);
    }

    private bool ForgetMembership(string sessionCode)
    {
        lock (_gate)
        {
            if (_code != sessionCode)
            {
                return false;
            }
            _code = null;
            _waiting = false;
            return true;
        }
    }
}
