using System.Runtime.InteropServices;

namespace SfaMirror.Bench.Raw;

/// <summary>
/// One thread waiting in <c>epoll_wait</c> for the sockets it was given, and handling their events
/// itself: a delivery costs the generator one wake-up at most and one <c>recv</c>, never a hand-off.
/// Loops live as long as the process; sockets are spread over one loop per core.
/// </summary>
internal sealed unsafe class EventLoop
{
    private const int EpollCloexec = 0x80000;
    private static readonly Lazy<EventLoop[]> Loops = new(CreateLoops);
    private static int _count = Environment.ProcessorCount;
    private static int _next;

    private readonly int _epoll;

    private EventLoop(int index)
    {
        _epoll = Libc.EpollCreate(EpollCloexec);
        if (_epoll < 0) throw new IOException($"epoll_create1 failed: errno {Libc.Errno}");
        new Thread(Run) { IsBackground = true, Name = $"bench-loop-{index}" }.Start();
    }

    /// <summary>
    /// How many loops to start (before the first socket; default one per core). Fewer
    /// loops wake less often and each finds more to do: cheaper per delivery when the work is reading, but
    /// one loop caps work that is mostly connection set-up (churn) at one core.
    /// </summary>
    public static void Configure(int count)
    {
        if (Loops.IsValueCreated) throw new InvalidOperationException("the event loops are running already");
        if (count > 0) _count = count;
    }

    /// <summary>The loop the next socket goes to (round robin).</summary>
    public static EventLoop Next()
    {
        var loops = Loops.Value;
        return loops[(uint)Interlocked.Increment(ref _next) % (uint)loops.Length];
    }

    private static EventLoop[] CreateLoops() => Enumerable.Range(0, _count).Select(i => new EventLoop(i)).ToArray();

    public void Add(int fd, GCHandle owner, uint events) => Control(Libc.EpollCtlAdd, fd, owner, events);

    public void Modify(int fd, GCHandle owner, uint events) => Control(Libc.EpollCtlMod, fd, owner, events);

    /// <summary>
    /// Takes a socket out of the set before its owner frees its handle. Closing the fd is not enough: epoll
    /// drops a registration only when the last reference to the socket goes, and a child process forked
    /// meanwhile (the test host starts redis-server and relays) holds one until it execs, so the loop could
    /// still be handed the freed handle, or the handle's slot reused by another client.
    /// </summary>
    public void Remove(int fd)
    {
        var ev = default(Libc.EpollEvent);
        Libc.EpollCtl(_epoll, Libc.EpollCtlDel, fd, &ev);
    }

    private void Control(int op, int fd, GCHandle owner, uint events)
    {
        var ev = new Libc.EpollEvent { Events = events, Data = (ulong)GCHandle.ToIntPtr(owner) };
        if (Libc.EpollCtl(_epoll, op, fd, &ev) < 0) throw new IOException($"epoll_ctl({op}) failed: errno {Libc.Errno}");
    }

    private void Run()
    {
        const int batch = 256;
        var events = stackalloc Libc.EpollEvent[batch];
        while (true)
        {
            var n = Libc.EpollWait(_epoll, events, batch, -1);
            if (n < 0)
            {
                if (Libc.Errno == Libc.EIntr) continue;
                throw new IOException($"epoll_wait failed: errno {Libc.Errno}");
            }
            for (var i = 0; i < n; i++)
            {
                var client = (RawWsClient)GCHandle.FromIntPtr((nint)events[i].Data).Target!;
                try
                {
                    client.OnEvents(events[i].Events);
                }
                catch (Exception ex)
                {
                    client.Fail(ex);
                }
            }
        }
    }
}
