using System.Diagnostics;
using System.Threading.Tasks.Sources;
using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Transport;

/// <summary>
/// A connection's outbound messages not yet written to its socket, bounded in bytes. Many threads
/// enqueue (never waiting); one send loop drains. While the queue holds more than the coalescing
/// threshold, a relayed state update replaces the waiting one of the same kind and session in place,
/// so a slow member skips intermediate states but always ends on the latest one.
/// The send loop parks on the queue itself (a reusable <see cref="IValueTaskSource"/>): waiting for the
/// next frame allocates nothing and registers with no cancellation token; <see cref="Complete"/> wakes it.
/// </summary>
public sealed class OutboundQueue : IValueTaskSource
{
    private readonly object _lock = new();
    private readonly int _coalesceAboveBytes;
    private readonly int _maxQueuedBytes;
    private readonly IInlineWriter? _inlineWriter;
    private ManualResetValueTaskSourceCore<bool> _wake = new() { RunContinuationsAsynchronously = true };
    private Queue<Entry> _pending = new();
    private Queue<Entry> _draining = new();
    private Entry? _waitingCustomer;
    private Entry? _waitingProduct;
    private long _bytes;
    private bool _parked;
    private bool _completed;

    /// <param name="inlineWriter">Writes a batch without waiting, for <see cref="WakeInline"/>; null to always resume the send loop.</param>
    public OutboundQueue(int coalesceAboveBytes, int maxQueuedBytes, IInlineWriter? inlineWriter = null)
    {
        _coalesceAboveBytes = coalesceAboveBytes;
        _maxQueuedBytes = maxQueuedBytes;
        _inlineWriter = inlineWriter;
    }

    /// <summary>Bytes queued or being written.</summary>
    public long QueuedBytes => Volatile.Read(ref _bytes);

    /// <param name="frame">An encoded frame, possibly shared with other recipients; never modified.</param>
    /// <param name="coalesceAs">The state kind when the frame is a relayed update that a newer one may replace.</param>
    /// <param name="sessionCode">The session of a coalescible update.</param>
    /// <param name="control">A whole WebSocket control frame (ping, pong), written as it is; otherwise a message for a text frame.</param>
    public EnqueueResult Enqueue(byte[] frame, StateKind? coalesceAs = null, string? sessionCode = null, bool control = false)
    {
        var wake = false;
        EnqueueResult result;
        lock (_lock)
        {
            result = EnqueueLocked(frame, coalesceAs, sessionCode, control);
            if (result == EnqueueResult.Queued && _parked)
            {
                _parked = false;
                wake = true;
            }
        }
        if (wake)
        {
            Wake();
        }
        return result;
    }

    private EnqueueResult EnqueueLocked(byte[] frame, StateKind? coalesceAs, string? sessionCode, bool control)
    {
        if (_completed)
        {
            return EnqueueResult.Closed;
        }
        if (coalesceAs is { } kind && _bytes > _coalesceAboveBytes)
        {
            var waiting = kind == StateKind.Customer ? _waitingCustomer : _waitingProduct;
            if (waiting is not null && waiting.SessionCode == sessionCode)
            {
                _bytes += frame.Length - waiting.Frame.Length;
                waiting.Frame = frame;
                return EnqueueResult.Coalesced;
            }
        }
        if (_bytes + frame.Length > _maxQueuedBytes)
        {
            return EnqueueResult.Overflow;
        }
        var entry = new Entry(frame, coalesceAs is null ? null : sessionCode, coalesceAs is not null, control, Stopwatch.GetTimestamp());
        _pending.Enqueue(entry);
        _bytes += frame.Length;
        if (coalesceAs == StateKind.Customer) _waitingCustomer = entry;
        else if (coalesceAs == StateKind.Product) _waitingProduct = entry;
        return EnqueueResult.Queued;
    }

    /// <summary>
    /// Waits until frames are queued, then hands them all to the caller (the one send loop) in order.
    /// Returns null once the queue is completed and empty. The returned queue is the caller's until its next call.
    /// </summary>
    public async ValueTask<Queue<Entry>?> TakeAllAsync()
    {
        while (true)
        {
            short version;
            lock (_lock)
            {
                if (_pending.Count > 0)
                {
                    (_pending, _draining) = (_draining, _pending);
                    _waitingCustomer = null;
                    _waitingProduct = null;
                    return _draining;
                }
                if (_completed)
                {
                    return null;
                }
                // Only the one send loop parks, and only after the previous wake-up was consumed.
                _wake.Reset();
                version = _wake.Version;
                _parked = true;
            }
            await new ValueTask(this, version).ConfigureAwait(false);
        }
    }

    /// <summary>Called by the send loop after a taken frame was written.</summary>
    public void Written(int frameBytes)
    {
        lock (_lock)
        {
            _bytes -= frameBytes;
        }
    }

    /// <summary>Refuses further frames and wakes the send loop; what is queued is still handed out.</summary>
    public void Complete(bool discardPending)
    {
        var wake = false;
        lock (_lock)
        {
            _completed = true;
            if (discardPending)
            {
                foreach (var e in _pending) _bytes -= e.Frame.Length;
                _pending.Clear();
                _waitingCustomer = null;
                _waitingProduct = null;
            }
            if (_parked)
            {
                _parked = false;
                wake = true;
            }
        }
        if (wake)
        {
            Wake();
        }
    }

    /// <summary>
    /// Wakes the parked send loop. Inside a <see cref="DeferredWakes"/> scope (a receive loop handling a
    /// message) the wake waits for the scope's end, where the send loop then runs on that same thread;
    /// elsewhere the send loop's continuation is queued to the thread pool. Never run here: the caller may
    /// hold a session's lock, and a send loop that failed would leave that session from inside it.
    /// </summary>
    private void Wake()
    {
        if (DeferredWakes.Current is { } deferred)
        {
            deferred.Add(this);
            return;
        }
        _wake.RunContinuationsAsynchronously = true;
        _wake.SetResult(true);
    }

    /// <summary>
    /// Called, instead of resuming the woken send loop, by a thread that holds no lock (see <see cref="DeferredWakes"/>).
    /// When everything queued can be written at once without waiting, it is written here and the send loop
    /// stays parked: resuming it would cost more than the write itself. Otherwise (a full socket, a queue
    /// being closed, frames queued meanwhile) the send loop resumes on this thread and does the rest.
    /// </summary>
    internal void WakeInline()
    {
        if (_inlineWriter is { } writer && TryWriteInline(writer))
        {
            return;
        }
        _wake.RunContinuationsAsynchronously = false;
        _wake.SetResult(true);
    }

    /// <returns>True when all was written and the send loop parked again.</returns>
    private bool TryWriteInline(IInlineWriter writer)
    {
        // The loop was woken (_parked is false) but has not run: until it does, this thread is the only writer,
        // because no other thread wakes a loop that is not parked.
        Queue<Entry> batch;
        lock (_lock)
        {
            if (_completed || _pending.Count == 0)
            {
                return false;
            }
            (_pending, _draining) = (_draining, _pending);
            _waitingCustomer = null;
            _waitingProduct = null;
            batch = _draining;
        }
        var bytes = FrameBytes(batch);
        var written = writer.TryWriteNow(batch, bytes, out var rest);
        lock (_lock)
        {
            _bytes -= bytes;
            if (rest is not null)
            {
                // What the socket did not take goes first, as raw bytes, to the send loop, which waits for room.
                _bytes += rest.Length;
                var resumed = new Queue<Entry>(_pending.Count + 1);
                resumed.Enqueue(new Entry(rest, null, isRelayedState: false, isControl: true, Stopwatch.GetTimestamp()));
                foreach (var entry in _pending)
                {
                    resumed.Enqueue(entry);
                }
                _pending = resumed;
            }
            if (!written || rest is not null || _pending.Count > 0 || _completed)
            {
                return false;
            }
            _parked = true;
            return true;
        }
    }

    /// <summary>The bytes the frames of a taken batch hold (what <see cref="Written"/> is told once they are out).</summary>
    public static int FrameBytes(Queue<Entry> batch)
    {
        var bytes = 0;
        foreach (var entry in batch)
        {
            bytes += entry.Frame.Length;
        }
        return bytes;
    }

    void IValueTaskSource.GetResult(short token) => _wake.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _wake.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wake.OnCompleted(continuation, state, token, flags);

    /// <summary>Writes a batch on the calling thread without waiting (the connection's socket, non-blocking).</summary>
    public interface IInlineWriter
    {
        /// <summary>Writes and empties <paramref name="batch"/>, whose frames hold <paramref name="bytes"/>. <paramref name="rest"/>: the encoded bytes the socket had no room for, if any.</summary>
        /// <returns>False when the connection is gone (it is then aborted).</returns>
        bool TryWriteNow(Queue<Entry> batch, int bytes, out byte[]? rest);
    }

    /// <summary>One queued frame; its bytes may be swapped for a newer state while it waits.</summary>
    public sealed class Entry(byte[] frame, string? sessionCode, bool isRelayedState, bool isControl, long enqueuedAt)
    {
        public bool IsControl { get; } = isControl;
        public byte[] Frame { get; set; } = frame;
        public string? SessionCode { get; } = sessionCode;
        public bool IsRelayedState { get; } = isRelayedState;
        /// <summary><see cref="Stopwatch.GetTimestamp"/> when first queued (kept when coalesced), for the latency metric.</summary>
        public long EnqueuedAt { get; } = enqueuedAt;
    }
}
