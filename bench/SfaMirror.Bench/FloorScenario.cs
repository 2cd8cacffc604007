using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SfaMirror.Bench.Raw;

namespace SfaMirror.Bench;

/// <summary>
/// The kernel's floor under the relay's CPU per delivery: one thread writes paced messages to many loopback
/// TCP connections, one write each (or <c>batch</c> messages per write), and another thread reads them in an
/// epoll loop, as the relay and the generator do, with no WebSocket, JSON or relay in between. Each thread's
/// own CPU time (<c>CLOCK_THREAD_CPUTIME_ID</c>) over the window, divided by the messages, is what the kernel
/// charges a sender and a reader for moving one message; on loopback the sender's figure includes the
/// receiving side's TCP input and waking the reader.
/// </summary>
internal sealed class FloorScenario(int connections, double rate, int payloadBytes, int batch, bool readerSpins)
{
    private volatile int _phase; // 0 warm-up, 1 measuring, 2 done

    private sealed class ThreadWindow
    {
        public long CpuStartNs, CpuEndNs, CountStart, CountEnd;
        public double Microseconds => (CpuEndNs - CpuStartNs) / 1000.0;
        public long Count => CountEnd - CountStart;
    }

    public unsafe Dictionary<string, object?> Run(double warmupSeconds, double measureSeconds)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(connections);
        var writers = new Socket[connections];
        var readers = new Socket[connections];
        for (var i = 0; i < connections; i++)
        {
            readers[i] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            readers[i].Connect(listener.LocalEndPoint!);
            writers[i] = listener.Accept();
            writers[i].NoDelay = true;
        }
        var epoll = Libc.EpollCreate(0);
        for (var i = 0; i < connections; i++)
        {
            var ev = new Libc.EpollEvent { Events = Libc.EpollIn, Data = (ulong)i };
            Libc.EpollCtl(epoll, Libc.EpollCtlAdd, (int)readers[i].Handle, &ev);
        }

        var writer = new ThreadWindow();
        var reader = new ThreadWindow();
        var readerThread = new Thread(() => Read(epoll, readers, reader)) { IsBackground = true, Name = "floor-reader" };
        var writerThread = new Thread(() => Write(writers, writer)) { IsBackground = true, Name = "floor-writer" };
        readerThread.Start();
        writerThread.Start();
        Thread.Sleep(TimeSpan.FromSeconds(warmupSeconds));
        _phase = 1;
        Thread.Sleep(TimeSpan.FromSeconds(measureSeconds));
        _phase = 2;
        writerThread.Join();
        readerThread.Join();
        Libc.Close(epoll);
        foreach (var s in writers.Concat(readers)) s.Dispose();

        var result = new Dictionary<string, object?>
        {
            ["connections"] = connections,
            ["messages_per_s"] = Report.Round(writer.Count / measureSeconds, 0),
            ["payload_bytes"] = payloadBytes,
            ["messages_per_write"] = batch,
            ["reader_spins"] = readerSpins,
            ["writer_us_per_message"] = Report.Round(writer.Microseconds / Math.Max(1, writer.Count)),
            ["reader_us_per_message"] = Report.Round(reader.Microseconds / Math.Max(1, reader.Count)),
            ["writer_cpu_pct"] = Report.Round(writer.Microseconds / (measureSeconds * 1e4), 1),
            ["reader_cpu_pct"] = Report.Round(reader.Microseconds / (measureSeconds * 1e4), 1),
        };
        Report.Line($"floor: {result["messages_per_s"]} messages/s of {payloadBytes} B over {connections} connections, {batch} per write: " +
            $"writer {result["writer_us_per_message"]} us/message, reader {result["reader_us_per_message"]} us/message{(readerSpins ? " (reader spinning)" : "")}");
        return result;
    }

    /// <summary>Paced by a 1 ms tick, like the fanout generator's pacer; each due write goes to the next connection in turn.</summary>
    private unsafe void Write(Socket[] writers, ThreadWindow window)
    {
        var message = new byte[payloadBytes * batch];
        message.AsSpan().Fill((byte)'x');
        var interval = Stopwatch.Frequency / (rate / batch);
        var origin = Stopwatch.GetTimestamp();
        long k = 0, messages = 0;
        var phase = 0;
        fixed (byte* p = message)
        {
            while (phase < 2)
            {
                var now = Stopwatch.GetTimestamp();
                while (origin + (long)(k * interval) <= now)
                {
                    var fd = (int)writers[k % writers.Length].Handle;
                    if (Libc.Send(fd, p, message.Length, Libc.MsgDontWait | Libc.MsgNoSignal) > 0) messages += batch;
                    k++;
                }
                phase = Observe(window, phase, messages);
                Thread.Sleep(1);
            }
        }
    }

    private unsafe void Read(int epoll, Socket[] readers, ThreadWindow window)
    {
        const int max = 256;
        var events = stackalloc Libc.EpollEvent[max];
        var buffer = new byte[256 * 1024];
        long bytes = 0;
        var phase = 0;
        fixed (byte* p = buffer)
        {
            while (phase < 2)
            {
                var n = Libc.EpollWait(epoll, events, max, readerSpins ? 0 : 10);
                for (var i = 0; i < n; i++)
                {
                    var fd = (int)readers[(int)events[i].Data].Handle;
                    var got = Libc.Recv(fd, p, buffer.Length, Libc.MsgDontWait);
                    if (got > 0) bytes += got;
                }
                phase = Observe(window, phase, bytes / payloadBytes);
            }
        }
    }

    /// <summary>Records this thread's CPU time and count when the phase changes; returns the phase it saw.</summary>
    private int Observe(ThreadWindow window, int seen, long count)
    {
        var phase = _phase;
        if (phase == seen) return seen;
        if (phase >= 1 && seen == 0)
        {
            window.CpuStartNs = Libc.ThreadCpuNanoseconds();
            window.CountStart = count;
        }
        if (phase == 2)
        {
            window.CpuEndNs = Libc.ThreadCpuNanoseconds();
            window.CountEnd = count;
        }
        return phase;
    }
}
