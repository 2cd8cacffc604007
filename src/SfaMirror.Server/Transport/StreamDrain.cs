namespace SfaMirror.Server.Transport;

internal static class StreamDrain
{
    /// <summary>
    /// Reads and discards until the peer closes its side or <paramref name="timeout"/> passes. A connection
    /// closed with unread input is reset, and the reset can overtake a close frame the WebSocket just wrote
    /// (1007 for invalid UTF-8, say), so the peer would see a cut instead of the close code.
    /// </summary>
    public static async Task DrainAsync(this Stream stream, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var scratch = new byte[256];
        try
        {
            while (await stream.ReadAsync(scratch, cts.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Timed out, or the connection is already gone: either way there is nothing left to wait for.
        }
    }
}
