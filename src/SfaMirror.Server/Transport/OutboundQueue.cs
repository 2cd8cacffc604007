using System.Diagnostics;
using System.Threading.Tasks.Sources;
using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Transport;

/// <summary>
/// A connection's outbound messages not yet written to its socket, bounded in bytes. Many threads
/// enqueue (never waiting); one send loop drains. While the queue holds more than the coalescing
/// threshold, a frame with a coalescing key replaces the waiting frame with an equal key in place, so a
/// slow member skips intermediate states but always ends on the latest one.
/// The send loop parks on the queue itself (a reusable <see cref="IValueTaskSource"/>): waiting for the
/// next frame allocates nothing and registers with no cancellation token; <see cref="Complete"/> wakes it.
/// </summary>
internal sealed class OutboundQueue : IValueTaskSource
{
    private readonly object _lock = new();
    private readonly int _coalesceAboveBytes;
    private readonly int _maxQueuedBytes;
    private readonly IInlineWriter? _inlineWriter;
    private ManualResetValueTaskSourceCore<bool> _wake = new() { RunContinuationsAsynchronously = true };
    private Queue<Entry> _pending = new();
    private Queue<Entry> _draining = new();
    /// <summary>Queued frames that carry a coalescing key, not yet taken by the send loop (a handful at most).</summary>
    private readonly List<Entry> _coalescible = new(2);
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

    /// <param name="frame">An encoded message, possibly shared with other recipients; never modified.</param>
    /// <param name="control">A whole WebSocket control frame (ping, pong), written as it is; otherwise a message for a text frame.</param>
    public EnqueueResult Enqueue(OutboundFrame frame, bool control = false)
    {
        var wake = false;
        EnqueueResult result;
        lock (_lock)
        {
            result = EnqueueLocked(frame, control);
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

    private EnqueueResult EnqueueLocked(OutboundFrame frame, bool control)
    {
        if (_completed)
        {
            return EnqueueResult.Closed;
        }
        var bytes = frame.Bytes;
        var key = frame.CoalesceKey;
        if (key is not null && _bytes > _coalesceAboveBytes)
        {
            foreach (var waiting in _coalescible)
            {
                if (key.Equals(waiting.CoalesceKey))
                {
                    _bytes += bytes.Length - waiting.Frame.Length;
                    waiting.Frame = bytes;
                    return EnqueueResult.Coalesced;
                }
            }
        }
        if (_bytes + bytes.Length > _maxQueuedBytes)
        {
            return EnqueueResult.Overflow;
        }
        var entry = new Entry(bytes, key, control, Stopwatch.GetTimestamp());
        _pending.Enqueue(entry);
        _bytes += bytes.Length;
        if (key is not null)
        {
            // One waiting entry per key: a newer one of a key already waiting replaces the older (above) only
            // past the threshold; below it both are queued and the newer becomes the one to replace.
            // By index, not RemoveAll: a lambda capturing the key would allocate on every relayed frame.
            var i = 0;
            while (i < _coalescible.Count && !key.Equals(_coalescible[i].CoalesceKey))
            {
                i++;
            }
            if (i < _coalescible.Count) _coalescible[i] = entry; else _coalescible.Add(entry);
        }
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
                    _coalescible.Clear();
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
                _coalescible.Clear();
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
            _coalescible.Clear();
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
                resumed.Enqueue(new Entry(rest, coalesceKey: null, isControl: true, Stopwatch.GetTimestamp()));
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
    public sealed class Entry(byte[] frame, object? coalesceKey, bool isControl, long enqueuedAt)
    {
        public bool IsControl { get; } = isControl;
        public byte[] Frame { get; set; } = frame;
        /// <summary>The frame's coalescing key: set for relayed state, which the latency metric measures.</summary>
        public object? CoalesceKey { get; } = coalesceKey;
        public bool IsRelayedState => CoalesceKey is not null;
        /// <summary><see cref="Stopwatch.GetTimestamp"/> when first queued (kept when coalesced), for the latency metric.</summary>
        public long EnqueuedAt { get; } = enqueuedAt;
    }
}
