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
    private static readonly EventLoop[] Loops = CreateLoops();
    private static int _next;

    private readonly int _epoll;

    private EventLoop(int index)
    {
        _epoll = Libc.EpollCreate(EpollCloexec);
        if (_epoll < 0) throw new IOException($"epoll_create1 failed: errno {Libc.Errno}");
        new Thread(Run) { IsBackground = true, Name = $"bench-loop-{index}" }.Start();
    }

    /// <summary>The loop the next socket goes to (round robin).</summary>
    public static EventLoop Next() => Loops[(uint)Interlocked.Increment(ref _next) % (uint)Loops.Length];

    private static EventLoop[] CreateLoops()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("BENCH_LOOPS"), out var n) && n > 0 ? n : Environment.ProcessorCount;
        return Enumerable.Range(0, count).Select(i => new EventLoop(i)).ToArray();
    }

    public void Add(int fd, GCHandle owner, uint events) => Control(Libc.EpollCtlAdd, fd, owner, events);

    public void Modify(int fd, GCHandle owner, uint events) => Control(Libc.EpollCtlMod, fd, owner, events);

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
