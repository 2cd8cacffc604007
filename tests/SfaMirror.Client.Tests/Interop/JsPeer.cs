using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using SfaMirror.Client.Tests.Infrastructure;

namespace SfaMirror.Client.Tests.Interop;

/// <summary>
/// One TypeScript end of an encrypted session: <c>node clients/js/scripts/e2e-peer.mjs</c>, driven by JSON lines on its
/// standard input, its events read as JSON lines from its standard output.
/// </summary>
internal sealed class JsPeer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>();
    private readonly StringBuilder _log = new();

    private JsPeer(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { Length: > 0 } line)
            {
                return;
            }
            lock (_log)
            {
                _log.AppendLine("out: " + line);
            }
            try
            {
                using var doc = JsonDocument.Parse(line);
                _events.Writer.TryWrite(doc.RootElement.Clone());
            }
            catch (JsonException)
            {
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_log)
            {
                _log.AppendLine("err: " + e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Everything the peer printed so far, for failure messages.</summary>
    public string Log
    {
        get { lock (_log) { return _log.ToString(); } }
    }

    /// <summary>Every event seen so far by <see cref="NextAsync"/>, skipped ones included.</summary>
    public List<JsonElement> Seen { get; } = [];

    public static async Task<JsPeer> StartAsync(Uri url, string role, string? code = null, string? customerJson = null)
    {
        var directory = await JsClientBuild.GetAsync();
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "scripts/e2e-peer.mjs", "--url", url.ToString(), "--role", role })
        {
            info.ArgumentList.Add(arg);
        }
        if (code is not null)
        {
            info.ArgumentList.Add("--code");
            info.ArgumentList.Add(code);
        }
        if (customerJson is not null)
        {
            info.ArgumentList.Add("--customer");
            info.ArgumentList.Add(customerJson);
        }
        return new JsPeer(Process.Start(info) ?? throw new InvalidOperationException("node did not start"));
    }

    public async Task SendAsync(object command)
    {
        await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(command));
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>The next event named <paramref name="name"/>; an <c>error</c> event on the way fails the test.</summary>
    public async Task<JsonElement> NextAsync(string name, TimeSpan? timeout = null)
    {
        while (true)
        {
            JsonElement item;
            try
            {
                item = await _events.Reader.ReadWithin(timeout ?? TimeSpan.FromSeconds(15));
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"No '{name}' event from the TypeScript peer; it printed:\n{Log}");
            }
            Seen.Add(item);
            var kind = item.GetProperty("event").GetString();
            if (kind == name)
            {
                return item;
            }
            if (kind == "error")
            {
                throw new InvalidOperationException($"The TypeScript peer reported an error while waiting for '{name}':\n{Log}");
            }
        }
    }

    /// <summary>The events that arrive within <paramref name="window"/>.</summary>
    public async Task<List<JsonElement>> DrainAsync(TimeSpan window)
    {
        var items = new List<JsonElement>();
        using var cts = new CancellationTokenSource(window);
        try
        {
            while (true)
            {
                items.Add(await _events.Reader.ReadAsync(cts.Token));
            }
        }
        catch (OperationCanceledException)
        {
        }
        Seen.AddRange(items);
        return items;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await SendAsync(new { cmd = "quit" });
                _process.StandardInput.Close();
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or InvalidOperationException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
