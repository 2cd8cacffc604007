using System.Diagnostics;

namespace SfaMirror.Bench;

/// <summary>CPU used by the server and by this generator between <see cref="Start"/> and <see cref="Stop"/>.</summary>
internal sealed class CpuWindow(int serverPid, int otherServerPid = 0, int backplanePid = 0)
{
    private long _startTs;
    private double _serverStart;
    private double _serverKernelStart;
    private double _selfStart;
    private double _backplaneStart;

    public double Seconds { get; private set; }
    public double ServerMicroseconds { get; private set; }

    /// <summary>The part of <see cref="ServerMicroseconds"/> spent in the kernel (stime).</summary>
    public double ServerKernelMicroseconds { get; private set; }
    public double SelfMicroseconds { get; private set; }

    /// <summary>CPU of the backplane process (redis-server) in a cross-node run; 0 without one.</summary>
    public double BackplaneMicroseconds { get; private set; }

    /// <summary>Server CPU as a percentage of one core.</summary>
    public double ServerPercent => ServerMicroseconds / (Seconds * 1e6) * 100;
    public double SelfPercent => SelfMicroseconds / (Seconds * 1e6) * 100;

    /// <summary>True when server and generator together used nearly all the machine's cores.</summary>
    public bool MachineSaturated => ServerPercent + SelfPercent >= 90.0 * Environment.ProcessorCount;

    /// <summary>Both nodes' CPU in a cross-node run: all of it, and the kernel's part.</summary>
    private (double All, double Kernel) ServerCpu()
    {
        var (user, kernel) = serverPid > 0 ? ProcStats.UserAndKernelMicroseconds(serverPid) : default;
        var (otherUser, otherKernel) = otherServerPid > 0 ? ProcStats.UserAndKernelMicroseconds(otherServerPid) : default;
        return (user + kernel + otherUser + otherKernel, kernel + otherKernel);
    }

    public void Start()
    {
        _startTs = Stopwatch.GetTimestamp();
        (_serverStart, _serverKernelStart) = ServerCpu();
        _selfStart = ProcStats.CpuMicroseconds(0);
        _backplaneStart = backplanePid > 0 ? ProcStats.CpuMicroseconds(backplanePid) : 0;
    }

    public void Stop()
    {
        Seconds = Stopwatch.GetElapsedTime(_startTs).TotalSeconds;
        var (server, serverKernel) = ServerCpu();
        ServerMicroseconds = server - _serverStart;
        ServerKernelMicroseconds = serverKernel - _serverKernelStart;
        SelfMicroseconds = ProcStats.CpuMicroseconds(0) - _selfStart;
        BackplaneMicroseconds = backplanePid > 0 ? ProcStats.CpuMicroseconds(backplanePid) - _backplaneStart : 0;
    }
}
