using SfaMirror.Client.Events;

namespace SfaMirror.Client;

/// <summary>
/// The newest <c>seq</c> seen per kind of state, so that a state message older than one already shown is
/// dropped as stale (the same seq, e.g. state re-sent after a rejoin, is shown again). Used from the receive loop only.
/// </summary>
internal sealed class SeqTracker
{
    private string? _sessionId;
    private long _customer;
    private long _product;

    public bool IsNew(string sessionId, StateKind kind, long? seq)
    {
        if (!string.Equals(_sessionId, sessionId, StringComparison.Ordinal))
        {
            _sessionId = sessionId;
            _customer = 0;
            _product = 0;
        }
        if (seq is not { } value)
        {
            // A server without seq (the original Node one): every message is news.
            return true;
        }
        ref var last = ref kind == StateKind.Customer ? ref _customer : ref _product;
        if (value < last)
        {
            return false;
        }
        last = value;
        return true;
    }
}
