using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace SfaMirror.Client.Tests.Infrastructure;

/// <summary>One client connection to a <see cref="ScriptedServer"/>.</summary>
internal sealed class ScriptedConnection(WebSocket socket)
{
    private readonly Channel<JsonElement> _received = Channel.CreateUnbounded<JsonElement>();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the client's connection is gone.</summary>
    public Task Closed => _done.Task;

    /// <summary>The next message the client sent.</summary>
    public Task<JsonElement> ReceiveAsync() => _received.Reader.ReadWithin();

    /// <summary>The next message the client sent, which must be of <paramref name="type"/>.</summary>
    public async Task<JsonElement> ExpectAsync(string type)
    {
        var message = await ReceiveAsync();
        Assert.True(message.GetProperty("type").GetString() == type, $"Expected {type} but got {message.GetRawText()}");
        return message;
    }

    public async Task SendAsync(string text)
    {
        using var cts = new CancellationTokenSource(Waits.Default);
        await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cts.Token);
    }

    internal async Task RunAsync(CancellationToken aborted)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, aborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                using var doc = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
                _received.Writer.TryWrite(doc.RootElement.Clone());
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            _done.TrySetResult();
        }
    }
}
