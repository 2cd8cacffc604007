using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SfaMirror.Client.Tests.Infrastructure;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Client.Tests;

/// <summary>docs/dotnet-client.md: a relay that refuses a reconnect with 429/503 and Retry-After is not asked again sooner.</summary>
public sealed class RetryAfterTests
{
    [Fact]
    public async Task A_reconnect_refused_with_Retry_After_waits_that_long_before_the_next_attempt()
    {
        await using var server = await RelayServer.StartAsync();
        await using var gate = new RefusingGate(server.WebSocketUri, refuseConnection: 2, retryAfterSeconds: 2);
        await using var client = await Clients.ConnectAsync(gate.Uri);
        var open = Waits.Next<ConnectionState>(h => client.StateChanged += h, s => s == ConnectionState.Open);

        gate.CutFirst();

        await open.Within(TimeSpan.FromSeconds(15));
        var accepted = gate.AcceptedAt;
        // The back-off alone would retry within 200 ms; the server asked for 2 s.
        Assert.True(accepted[2] - accepted[1] >= TimeSpan.FromSeconds(1.9), $"retried after {accepted[2] - accepted[1]}");
    }

    /// <summary>A TCP front of the relay that answers its Nth connection with 429 and Retry-After and forwards the others.</summary>
    private sealed class RefusingGate : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Uri _target;
        private readonly int _refuse;
        private readonly int _retryAfter;
        private readonly List<TimeSpan> _acceptedAt = [];
        private readonly List<TcpClient> _open = [];
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Task _accepting;

        public RefusingGate(Uri target, int refuseConnection, int retryAfterSeconds)
        {
            _target = target;
            _refuse = refuseConnection;
            _retryAfter = retryAfterSeconds;
            _listener.Start();
            Uri = new Uri($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
            _accepting = Task.Run(AcceptAsync);
        }

        public Uri Uri { get; }

        public IReadOnlyList<TimeSpan> AcceptedAt
        {
            get { lock (_acceptedAt) return [.. _acceptedAt]; }
        }

        /// <summary>Cuts the first (forwarded) connection, as a network would.</summary>
        public void CutFirst()
        {
            lock (_acceptedAt) _open[0].Client.Close(0);
        }

        private async Task AcceptAsync()
        {
            while (true)
            {
                TcpClient accepted;
                try
                {
                    accepted = await _listener.AcceptTcpClientAsync();
                }
                catch (Exception)
                {
                    return;
                }
                int number;
                lock (_acceptedAt)
                {
                    _acceptedAt.Add(_clock.Elapsed);
                    _open.Add(accepted);
                    number = _acceptedAt.Count;
                }
                _ = number == _refuse ? RefuseAsync(accepted) : ForwardAsync(accepted);
            }
        }

        private async Task RefuseAsync(TcpClient accepted)
        {
            var stream = accepted.GetStream();
            var head = new byte[4096];
            await stream.ReadAtLeastAsync(head, 1, throwOnEndOfStream: false);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 429 Too Many Requests\r\nRetry-After: {_retryAfter}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
            accepted.Close();
        }

        private async Task ForwardAsync(TcpClient accepted)
        {
            using var upstream = new TcpClient();
            await upstream.ConnectAsync(_target.Host, _target.Port);
            var a = accepted.GetStream();
            var b = upstream.GetStream();
            await Task.WhenAny(a.CopyToAsync(b), b.CopyToAsync(a)).ContinueWith(_ => { });
            accepted.Close();
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            lock (_acceptedAt)
            {
                foreach (var client in _open) client.Close();
            }
            await _accepting;
        }
    }
}
