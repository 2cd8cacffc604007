using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;

namespace SfaMirror.Bench.Raw;

/// <summary>Called on the event loop's thread with a whole text message, valid only during the call.</summary>
internal delegate void MessageHandler(RawWsClient client, ReadOnlySpan<byte> message);

/// <summary>
/// A WebSocket client on a non-blocking socket driven by an <see cref="EventLoop"/>: the upgrade, masked
/// frames out (each send goes straight to the socket), frames in parsed on the loop's thread, pings
/// answered, the close handshake. Anything but a text message is handled here; text messages go to the
/// one pending <see cref="ExpectAsync"/> whose type matches, else to <see cref="OnMessage"/>.
/// Task continuations run on the loop's thread, so code after an await must not block.
/// </summary>
internal sealed class RawWsClient
{
    private enum State { Connecting, Upgrading, Open, Closing, Closed }

    private const byte OpContinuation = 0, OpText = 1, OpBinary = 2, OpClose = 8, OpPing = 9, OpPong = 10;
    private static readonly byte[] ErrorPrefix = "{\"type\":\"ERROR\""u8.ToArray();

    private readonly EventLoop _loop;
    private readonly object _sendLock = new();
    private readonly TaskCompletionSource _opened = new();
    private readonly TaskCompletionSource _closed = new();
    private readonly byte[] _request;
    private readonly uint _maskKey = (uint)Random.Shared.Next() | 1;
    private GCHandle _self;
    private int _fd;
    private volatile State _state = State.Connecting;
    private byte[] _in = new byte[8192];
    private int _inLength;
    private byte[] _out = new byte[2048];
    private int _outLength;
    private bool _writeArmed;
    private byte[] _frame = new byte[2048];
    private MemoryStream? _fragments;
    private Waiter? _waiter;

    private sealed record Waiter(byte[] Prefix, TaskCompletionSource<byte[]> Result);

    private RawWsClient(EventLoop loop, int fd, byte[] request)
    {
        _loop = loop;
        _fd = fd;
        _request = request;
    }

    /// <summary>Text messages no <see cref="ExpectAsync"/> is waiting for; dropped when unset.</summary>
    public MessageHandler? OnMessage { get; set; }

    /// <summary>The socket's descriptor; -1 once closed.</summary>
    internal int Fd => _fd;

    /// <summary>Completes once the socket is closed, cleanly or not.</summary>
    public Task Closed => _closed.Task;

    public static unsafe Task<RawWsClient> ConnectAsync(Uri url, IPAddress? source, CancellationToken ct)
    {
        var fd = Libc.Socket(Libc.AfInet, Libc.SockStream | Libc.SockNonBlock | Libc.SockCloexec, 0);
        if (fd < 0) throw new IOException($"socket failed: errno {Libc.Errno}");
        RawWsClient? client = null;
        try
        {
            var one = 1;
            Libc.SetSockOpt(fd, Libc.IpProtoTcp, Libc.TcpNoDelay, &one, sizeof(int));
            if (source is not null)
            {
                // Each loopback source address has its own ephemeral ports; the port is chosen at connect.
                Libc.SetSockOpt(fd, Libc.IpProtoIp, Libc.IpBindAddressNoPort, &one, sizeof(int));
                var local = Address(source, 0);
                if (Libc.Bind(fd, &local, sizeof(Libc.SockaddrIn)) < 0) throw new IOException($"bind failed: errno {Libc.Errno}");
            }
            client = new RawWsClient(EventLoop.Next(), fd, UpgradeRequest(url));
            client._self = GCHandle.Alloc(client);
            var remote = Address(Resolve(url.Host), url.Port);
            if (Libc.Connect(fd, &remote, sizeof(Libc.SockaddrIn)) < 0 && Libc.Errno != Libc.EInProgress)
            {
                throw new IOException($"connect failed: errno {Libc.Errno}");
            }
            client._loop.Add(fd, client._self, Libc.EpollOut);
        }
        catch
        {
            if (client is not null && client._self.IsAllocated) client._self.Free();
            Libc.Close(fd);
            throw;
        }
        if (ct.CanBeCanceled) ct.Register(client.Abort);
        return client._opened.Task.ContinueWith(t => { t.GetAwaiter().GetResult(); return client; }, TaskContinuationOptions.ExecuteSynchronously);
    }

    private static IPAddress Resolve(string host) =>
        IPAddress.TryParse(host, out var address) ? address
        : host == "localhost" ? IPAddress.Loopback
        : Dns.GetHostAddresses(host).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);

    private static Libc.SockaddrIn Address(IPAddress address, int port)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return new Libc.SockaddrIn
        {
            Family = Libc.AfInet,
            PortBigEndian = BinaryPrimitives.ReverseEndianness((ushort)port),
            AddressBigEndian = MemoryMarshal.Read<uint>(bytes),
        };
    }

    private static byte[] UpgradeRequest(Uri url)
    {
        Span<byte> nonce = stackalloc byte[16];
        Random.Shared.NextBytes(nonce);
        return Encoding.ASCII.GetBytes(
            $"GET {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Host}:{url.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {Convert.ToBase64String(nonce)}\r\nSec-WebSocket-Version: 13\r\n\r\n");
    }

    /// <summary>
    /// The next text message starting with <c>{"type":"TYPE"</c>; call before sending what it answers.
    /// Fails on an ERROR message or when the connection closes.
    /// </summary>
    public Task<byte[]> ExpectAsync(string type)
    {
        var waiter = new Waiter(Encoding.UTF8.GetBytes($"{{\"type\":\"{type}\""), new TaskCompletionSource<byte[]>());
        if (Interlocked.CompareExchange(ref _waiter, waiter, null) is not null) throw new InvalidOperationException("already waiting for a message");
        if (_state == State.Closed) FailWaiter(new IOException("connection closed"));
        return waiter.Result.Task;
    }

    /// <summary>Sends one text message; false when the connection is gone.</summary>
    public bool Send(ReadOnlySpan<byte> text) => SendFrame(OpText, text);

    public bool Send(string text) => Send(Encoding.UTF8.GetBytes(text));

    /// <summary>Creates a session as host and returns its code.</summary>
    public async Task<string> CreateSessionAsync()
    {
        var created = ExpectAsync("SESSION_CREATED");
        Send("{\"type\":\"CREATE_SESSION\"}"u8);
        var m = await created.ConfigureAwait(false);
        var at = m.AsSpan().IndexOf("\"sessionId\":\""u8) + 13;
        return Encoding.ASCII.GetString(m, at, 6);
    }

    public Task JoinAsync(string code)
    {
        var joined = ExpectAsync("SESSION_JOINED");
        Send($"{{\"type\":\"JOIN_SESSION\",\"sessionId\":\"{code}\"}}");
        return joined;
    }

    /// <summary>The close handshake: our close frame, the server's, then the server closes the TCP connection. Bounded.</summary>
    public async Task CloseAsync()
    {
        if (_state == State.Open)
        {
            _state = State.Closing;
            SendFrame(OpClose, [0x03, 0xE8]);
        }
        try
        {
            await _closed.Task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A reset or a silent server ends the connection all the same.
            Abort();
        }
    }

    /// <summary>Drops every connection and waits (up to 5 s) until the loops have closed their sockets.</summary>
    public static async Task AbortAllAsync(IEnumerable<RawWsClient> clients)
    {
        var all = clients.ToList();
        foreach (var c in all) c.Abort();
        try
        {
            await Task.WhenAll(all.Select(c => c.Closed)).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Aborted connections end with an error by design; only the wait matters here.
        }
    }

    /// <summary>True while earlier frames still wait for the socket to drain.</summary>
    public bool Backlogged => _outLength > 0;

    /// <summary>Drops the connection; the loop closes the socket when it sees the hang-up.</summary>
    public void Abort()
    {
        lock (_sendLock)
        {
            if (_fd >= 0) Libc.Shutdown(_fd, Libc.ShutRdWr);
        }
    }

    private bool SendFrame(byte opcode, ReadOnlySpan<byte> payload)
    {
        lock (_sendLock)
        {
            if (_fd < 0) return false;
            var header = payload.Length < 126 ? 2 : payload.Length <= ushort.MaxValue ? 4 : 10;
            var length = header + 4 + payload.Length;
            if (_frame.Length < length) _frame = new byte[Math.Max(length, _frame.Length * 2)];
            var frame = _frame.AsSpan(0, length);
            frame[0] = (byte)(0x80 | opcode);
            if (header == 2)
            {
                frame[1] = (byte)(0x80 | payload.Length);
            }
            else if (header == 4)
            {
                frame[1] = 0x80 | 126;
                BinaryPrimitives.WriteUInt16BigEndian(frame[2..], (ushort)payload.Length);
            }
            else
            {
                frame[1] = 0x80 | 127;
                BinaryPrimitives.WriteUInt64BigEndian(frame[2..], (ulong)payload.Length);
            }
            MemoryMarshal.Write(frame[header..], in _maskKey);
            Mask(payload, frame[(header + 4)..], _maskKey);
            return SendLocked(frame);
        }
    }

    private static void Mask(ReadOnlySpan<byte> from, Span<byte> into, uint key)
    {
        var wide = ((ulong)key << 32) | key;
        var i = 0;
        for (; i + 8 <= from.Length; i += 8)
        {
            MemoryMarshal.Write(into[i..], MemoryMarshal.Read<ulong>(from[i..]) ^ wide);
        }
        for (; i < from.Length; i++)
        {
            into[i] = (byte)(from[i] ^ (byte)(key >> (8 * (i & 3))));
        }
    }

    /// <summary>Writes what it can now; the rest waits for the socket to drain (EPOLLOUT). Holds <see cref="_sendLock"/>.</summary>
    private unsafe bool SendLocked(ReadOnlySpan<byte> bytes)
    {
        var sent = 0;
        if (_outLength == 0 && _state != State.Connecting)
        {
            fixed (byte* p = bytes)
            {
                var n = Libc.Send(_fd, p, bytes.Length, Libc.MsgDontWait | Libc.MsgNoSignal);
                if (n < 0 && Libc.Errno != Libc.EAgain) return false;
                sent = (int)Math.Max(0, n);
            }
        }
        if (sent < bytes.Length)
        {
            var rest = bytes[sent..];
            if (_out.Length < _outLength + rest.Length) Array.Resize(ref _out, Math.Max(_outLength + rest.Length, _out.Length * 2));
            rest.CopyTo(_out.AsSpan(_outLength));
            _outLength += rest.Length;
            if (!_writeArmed && _state != State.Connecting)
            {
                _writeArmed = true;
                _loop.Modify(_fd, _self, Libc.EpollIn | Libc.EpollOut);
            }
        }
        return true;
    }

    /// <summary>On the loop's thread.</summary>
    internal unsafe void OnEvents(uint events)
    {
        if (_fd < 0) return;
        if (_state == State.Connecting)
        {
            int error = 0, size = sizeof(int);
            Libc.GetSockOpt(_fd, Libc.SolSocket, Libc.SoError, &error, &size);
            if (error != 0 || (events & (Libc.EpollErr | Libc.EpollHup)) != 0)
            {
                Fail(new IOException($"connect failed: errno {error}"));
                return;
            }
            lock (_sendLock)
            {
                _state = State.Upgrading;
                _writeArmed = true;
                SendLocked(_request);
                Flush();
            }
            return;
        }
        if ((events & Libc.EpollOut) != 0)
        {
            lock (_sendLock) Flush();
        }
        if ((events & (Libc.EpollIn | Libc.EpollHup | Libc.EpollErr | Libc.EpollRdHup)) != 0) Receive();
    }

    /// <summary>Writes queued bytes; disarms EPOLLOUT once none are left. Holds <see cref="_sendLock"/>.</summary>
    private unsafe void Flush()
    {
        if (_outLength > 0)
        {
            fixed (byte* p = _out)
            {
                var n = Libc.Send(_fd, p, _outLength, Libc.MsgDontWait | Libc.MsgNoSignal);
                if (n < 0 && Libc.Errno != Libc.EAgain) return;
                if (n > 0)
                {
                    _out.AsSpan((int)n, _outLength - (int)n).CopyTo(_out);
                    _outLength -= (int)n;
                }
            }
        }
        if (_outLength == 0 && _writeArmed)
        {
            _writeArmed = false;
            _loop.Modify(_fd, _self, Libc.EpollIn);
        }
    }

    private unsafe void Receive()
    {
        if (_inLength == _in.Length) Array.Resize(ref _in, _in.Length * 2);
        nint n;
        fixed (byte* p = _in)
        {
            n = Libc.Recv(_fd, p + _inLength, _in.Length - _inLength, Libc.MsgDontWait);
        }
        if (n < 0)
        {
            if (Libc.Errno == Libc.EAgain) return;
            Fail(new IOException($"recv failed: errno {Libc.Errno}"));
            return;
        }
        if (n == 0)
        {
            Fail(_state is State.Closing ? null : new IOException("connection closed by the server"));
            return;
        }
        _inLength += (int)n;
        var consumed = _state == State.Upgrading ? ReadUpgradeResponse() : 0;
        if (_state is State.Open or State.Closing && consumed >= 0) consumed = ReadFrames(consumed);
        if (consumed < 0 || _fd < 0) return;
        _in.AsSpan(consumed, _inLength - consumed).CopyTo(_in);
        _inLength -= consumed;
    }

    /// <summary>The response head's length once it is all here (then the socket is open), 0 before, -1 on refusal.</summary>
    private int ReadUpgradeResponse()
    {
        var received = _in.AsSpan(0, _inLength);
        var end = received.IndexOf("\r\n\r\n"u8);
        if (end < 0) return 0;
        if (!received.StartsWith("HTTP/1.1 101"u8))
        {
            Fail(new IOException("upgrade refused: " + Encoding.ASCII.GetString(received[..Math.Min(end, 40)])));
            return -1;
        }
        _state = State.Open;
        _opened.TrySetResult();
        return end + 4;
    }

    /// <summary>Handles every whole frame from <paramref name="at"/>; returns where the unread bytes start.</summary>
    private int ReadFrames(int at)
    {
        while (_fd >= 0)
        {
            var available = _in.AsSpan(at, _inLength - at);
            if (available.Length < 2) break;
            var fin = (available[0] & 0x80) != 0;
            var opcode = (byte)(available[0] & 0x0F);
            long length = available[1] & 0x7F;
            var header = 2;
            if (length == 126)
            {
                if (available.Length < 4) break;
                length = BinaryPrimitives.ReadUInt16BigEndian(available[2..]);
                header = 4;
            }
            else if (length == 127)
            {
                if (available.Length < 10) break;
                length = (long)BinaryPrimitives.ReadUInt64BigEndian(available[2..]);
                header = 10;
            }
            if ((available[1] & 0x80) != 0) throw new IOException("the server masked a frame");
            if (available.Length < header + length)
            {
                if (header + length > _in.Length) Array.Resize(ref _in, (int)Math.Max(header + length, _in.Length * 2L));
                break;
            }
            at += header + (int)length;
            OnFrame(opcode, fin, available.Slice(header, (int)length));
        }
        return at;
    }

    private void OnFrame(byte opcode, bool fin, ReadOnlySpan<byte> payload)
    {
        switch (opcode)
        {
            case OpText or OpBinary when fin && _fragments is null:
                Deliver(payload);
                break;
            case OpText or OpBinary or OpContinuation:
                (_fragments ??= new MemoryStream()).Write(payload);
                if (fin)
                {
                    var whole = _fragments.ToArray();
                    _fragments = null;
                    Deliver(whole);
                }
                break;
            case OpPing:
                SendFrame(OpPong, payload);
                break;
            case OpClose:
                // Answer a close the server started; either way the server closes the TCP connection next.
                if (_state == State.Open)
                {
                    _state = State.Closing;
                    SendFrame(OpClose, payload.Length >= 2 ? payload[..2] : []);
                }
                break;
        }
    }

    private void Deliver(ReadOnlySpan<byte> message)
    {
        var waiter = Volatile.Read(ref _waiter);
        if (waiter is not null)
        {
            var match = message.StartsWith(waiter.Prefix);
            if ((match || message.StartsWith(ErrorPrefix)) && Interlocked.CompareExchange(ref _waiter, null, waiter) == waiter)
            {
                if (match) waiter.Result.TrySetResult(message.ToArray());
                else waiter.Result.TrySetException(new IOException("server error: " + Encoding.UTF8.GetString(message)));
                return;
            }
        }
        OnMessage?.Invoke(this, message);
    }

    /// <summary>Closes the socket (on the loop's thread) and ends everything waiting on it; <paramref name="error"/> null for a clean end.</summary>
    internal void Fail(Exception? error)
    {
        lock (_sendLock)
        {
            if (_fd < 0) return;
            _loop.Remove(_fd);
            Libc.Close(_fd);
            _fd = -1;
            _state = State.Closed;
        }
        _self.Free();
        var failure = error ?? new IOException("connection closed");
        _opened.TrySetException(failure);
        FailWaiter(failure);
        if (error is null) _closed.TrySetResult();
        else _closed.TrySetException(error);
        _closed.Task.Exception?.Handle(_ => true); // nobody may be waiting; do not report it as unobserved
        _opened.Task.Exception?.Handle(_ => true);
    }

    private void FailWaiter(Exception error)
    {
        if (Interlocked.Exchange(ref _waiter, null) is { } waiter) waiter.Result.TrySetException(error);
    }
}
