using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SfaMirror.Server.Tests.Infrastructure;

/// <summary>
/// A real redis-server of the test's own, on a free loopback port, without persistence. It can be stopped
/// and started again on the same port (an outage). Needs redis-server on the PATH: scripts/test.sh
/// installs it.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private Process? _process;

    private RedisServerProcess(int port)
    {
        Port = port;
    }

    public int Port { get; }

    /// <summary>What <c>Relay:Redis</c> is set to.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},connectTimeout=2000";

    public static async Task<RedisServerProcess> StartAsync()
    {
        var server = new RedisServerProcess(FreePort());
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts (again) on the same port and waits until it answers PING.</summary>
    public async Task StartAgainAsync()
    {
        var info = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" })
        {
            info.ArgumentList.Add(arg);
        }
        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await PingAsync())
        {
            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                throw new InvalidOperationException($"redis-server on port {Port} did not answer PING");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>Kills the server (an outage) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(StartTimeout);
        _process.Dispose();
        _process = null;
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, Port, cts.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cts.Token);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, cts.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
