using System.Runtime.InteropServices;

namespace SfaMirror.Bench.Raw;

/// <summary>
/// The few Linux calls the generator's own event loop needs. The generator talks to sockets directly so
/// that its cost per delivery is the kernel's and little else: .NET's socket engine, tasks and
/// <c>ManagedWebSocket</c> cost it as much CPU per delivery as the relay, on the same 2 cores.
/// </summary>
internal static unsafe partial class Libc
{
    public const int AfInet = 2, SockStream = 1, SockNonBlock = 0x800, SockCloexec = 0x80000;
    public const int IpProtoIp = 0, IpProtoTcp = 6, SolSocket = 1;
    public const int TcpNoDelay = 1, SoError = 4, IpBindAddressNoPort = 24;
    public const int MsgDontWait = 0x40, MsgNoSignal = 0x4000;
    public const int EAgain = 11, EInProgress = 115, EIntr = 4;
    public const int ShutRdWr = 2;
    public const int EpollCtlAdd = 1, EpollCtlDel = 2, EpollCtlMod = 3;
    public const uint EpollIn = 0x001, EpollOut = 0x004, EpollErr = 0x008, EpollHup = 0x010, EpollRdHup = 0x2000;

    /// <summary><c>struct epoll_event</c>, which x86-64 packs into 12 bytes.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 12)]
    public struct EpollEvent
    {
        [FieldOffset(0)] public uint Events;
        [FieldOffset(4)] public ulong Data;
    }

    /// <summary><c>struct sockaddr_in</c>: family in host order, port and address in network order.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 16)]
    public struct SockaddrIn
    {
        public ushort Family;
        public ushort PortBigEndian;
        public uint AddressBigEndian;
        public ulong Zero;
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    public static partial int Connect(int fd, SockaddrIn* address, int length);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, SockaddrIn* address, int length);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, int* value, int length);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    public static partial int GetSockOpt(int fd, int level, int name, int* value, int* length);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "shutdown", SetLastError = true)]
    public static partial int Shutdown(int fd, int how);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "dup", SetLastError = true)]
    public static partial int Dup(int fd);

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epfd, int op, int fd, EpollEvent* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epfd, EpollEvent* events, int maxEvents, int timeoutMs);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, Timespec* time);

    /// <summary>The calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID), user and system, in nanoseconds.</summary>
    public static long ThreadCpuNanoseconds()
    {
        Timespec t;
        ClockGetTime(3, &t);
        return t.Seconds * 1_000_000_000 + t.Nanoseconds;
    }

    public static int Errno => Marshal.GetLastPInvokeError();
}
