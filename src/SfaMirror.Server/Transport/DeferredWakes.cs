namespace SfaMirror.Server.Transport;

/// <summary>
/// Send loops woken while one thread handles one inbound message, run on that thread once the handling is
/// done and its locks are released. A relayed update then travels from the host's socket to every
/// member's socket on one thread: no thread-pool hand-off per recipient, so no thread to wake per
/// delivery (on two cores, those wake-ups were a large part of the cost of each delivered message).
/// </summary>
internal sealed class DeferredWakes
{
    /// <summary>The scope open on this thread right now, if any.</summary>
    [ThreadStatic]
    private static DeferredWakes? t_current;

    /// <summary>This thread's scope object, reused by every scope the thread opens.</summary>
    [ThreadStatic]
    private static DeferredWakes? t_threadScope;

    private readonly List<OutboundQueue> _queues = [];

    /// <summary>The scope open on this thread, if any.</summary>
    public static DeferredWakes? Current => t_current;

    /// <summary>Opens a scope on this thread; null when one is open already (the outer one runs the wakes).</summary>
    public static DeferredWakes? Begin()
    {
        if (t_current is not null)
        {
            return null;
        }
        var scope = t_threadScope ??= new DeferredWakes();
        t_current = scope;
        return scope;
    }


    public void Add(OutboundQueue queue) => _queues.Add(queue);

    /// <summary>Runs every deferred send loop here, including any woken while doing so, then closes the scope.</summary>
    public void End()
    {
        try
        {
            // By index: a send loop run here may wake others (e.g. a failed write leaves a session).
            for (var i = 0; i < _queues.Count; i++)
            {
                _queues[i].WakeInline();
            }
        }
        finally
        {
            _queues.Clear();
            t_current = null;
        }
    }
}
