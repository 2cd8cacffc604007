using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SfaMirror.Server.Tests.Infrastructure;

/// <summary>
/// A relay in a process of its own (<c>dotnet SfaMirror.Server.dll</c>, configured through the
/// environment as in production), so that a test can kill it without a goodbye (SIGKILL) or leave its
/// output unread.
/// </summary>
public sealed class RelayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RelayProcess(Process process, int port)
    {
        _process = process;
        WebSocketUri = new Uri($"ws://127.0.0.1:{port}/");
    }

    public Uri WebSocketUri { get; }

    /// <summary>The relay's resident memory now (VmRSS), in bytes.</summary>
    public long ResidentBytes()
    {
        _process.Refresh();
        return _process.WorkingSet64;
    }

    /// <summary>A node of a cluster sharing <paramref name="redis"/>; <paramref name="settings"/> are <c>Relay</c> options.</summary>
    public static Task<RelayProcess> StartAsync(RedisServerProcess redis, string keyPrefix, params (string Key, string Value)[] settings) =>
        StartCoreAsync(readOutput: true,
            [("Relay__Redis", redis.ConnectionString), ("Relay__RedisKeyPrefix", keyPrefix), .. settings.Select(s => ($"Relay__{s.Key}", s.Value))]);

    /// <summary>
    /// A relay with sessions in memory, configured by environment variables (full names, such as
    /// <c>Logging__Console__MaxQueueLength</c>). With <paramref name="readOutput"/> false nobody reads its
    /// stdout and stderr until <see cref="ReadOutput"/>: the pipes fill, as behind a stalled log collector.
    /// </summary>
    public static Task<RelayProcess> StartInMemoryAsync(bool readOutput, params (string Name, string Value)[] environment) =>
        StartCoreAsync(readOutput, environment);

    private static async Task<RelayProcess> StartCoreAsync(bool readOutput, (string Name, string Value)[] environment)
    {
        var port = FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "SfaMirror.Server.dll");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        info.Environment.Remove("ASPNETCORE_URLS");
        info.Environment["PORT"] = port.ToString();
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("relay process did not start");
        var node = new RelayProcess(process, port);
        if (readOutput)
        {
            node.ReadOutput();
        }
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{port}/healthz")).IsSuccessStatusCode)
                {
                    return node;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(20) || process.HasExited)
            {
                await node.DisposeAsync();
                throw new InvalidOperationException("relay process did not become healthy");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Starts draining stdout and stderr into <see cref="Output"/>; call once.</summary>
    public void ReadOutput()
    {
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Everything read from stdout and stderr so far, one line each.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>SIGKILL: no close frames, no leaving, no lease release.</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGTERM, as an orchestrator stops a container; true when the process exited within <paramref name="timeout"/>.</summary>
    public async Task<bool> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
        {
            await kill.WaitForExitAsync();
        }
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
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

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }
}
