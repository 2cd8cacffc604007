namespace SfaMirror.Bench;

/// <summary>CPU time, resident memory and kernel TCP counters read from /proc (Linux only).</summary>
internal static class ProcStats
{
    // USER_HZ is 100 on every Linux the benchmark targets; /proc reports CPU time in those ticks.
    private const double MicrosecondsPerTick = 1_000_000.0 / 100;

    /// <summary>utime + stime of a process in microseconds; <paramref name="pid"/> 0 means this process.</summary>
    public static double CpuMicroseconds(int pid)
    {
        var (user, kernel) = UserAndKernelMicroseconds(pid);
        return user + kernel;
    }

    /// <summary>utime and stime of a process in microseconds: stime is the kernel working for it (system calls, and on loopback the peer's TCP input).</summary>
    public static (double User, double Kernel) UserAndKernelMicroseconds(int pid)
    {
        var path = pid == 0 ? "/proc/self/stat" : $"/proc/{pid}/stat";
        var text = File.ReadAllText(path);
        // The command name may hold spaces; fields are counted after its closing parenthesis.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) * MicrosecondsPerTick, long.Parse(fields[12]) * MicrosecondsPerTick);
    }

    /// <summary>VmRSS of a process in KiB.</summary>
    public static long RssKib(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim());
            }
        }
        return -1;
    }

    /// <summary>The TcpExt and Tcp counters that show a full accept queue or retransmitted SYNs.</summary>
    public static Dictionary<string, long> TcpCounters()
    {
        var wanted = new[] { "ListenOverflows", "ListenDrops", "TCPReqQFullDrop", "TCPReqQFullDoCookies", "TCPTimeouts", "RetransSegs" };
        var result = new Dictionary<string, long>();
        foreach (var file in new[] { "/proc/net/netstat", "/proc/net/snmp" })
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i + 1 < lines.Length; i += 2)
            {
                var names = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var values = lines[i + 1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                for (var j = 1; j < names.Length && j < values.Length; j++)
                {
                    if (wanted.Contains(names[j]) && long.TryParse(values[j], out var v))
                    {
                        result[names[j]] = v;
                    }
                }
            }
        }
        return result;
    }

    public static Dictionary<string, long> Delta(Dictionary<string, long> before, Dictionary<string, long> after) =>
        after.ToDictionary(kv => kv.Key, kv => kv.Value - before.GetValueOrDefault(kv.Key));
}
