using System.Net.WebSockets;
using SfaMirror.Client;

namespace SfaMirror.Cli.Commands;

/// <summary>Runs a command's body and turns what can go wrong into a message on standard error and an exit code.</summary>
internal static class CommandRunner
{
    public const int Failed = 1;
    public const int Usage = 2;

    public static async Task<int> RunAsync(CliConsole console, Uri url, Func<Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (MirrorException ex) when (ex.Code == MirrorErrorCodes.ConnectFailed)
        {
            console.Say($"error: cannot reach {url}: {ex.InnerException?.Message ?? ex.Message}");
            return Failed;
        }
        catch (MirrorException ex)
        {
            console.Say($"error: {ex.Code}: {ex.Message}");
            return Failed;
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException)
        {
            console.Say($"error: cannot reach {url}: {ex.Message}");
            return Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.Say("interrupted");
            return Failed;
        }
        catch (OperationCanceledException)
        {
            console.Say($"error: no answer from {url}");
            return Failed;
        }
    }

    /// <summary>Leaves the session on the way out, briefly and quietly: the session outlives us anyway.</summary>
    public static async Task LeaveQuietlyAsync(MirrorClient client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await client.LeaveSessionAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MirrorException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
