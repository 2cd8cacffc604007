using SfaMirror.Client;
using SfaMirror.Client.Events;

namespace SfaMirror.Cli.Commands;

/// <summary>
/// Prints a connected client's events as JSON lines and connection changes on standard error, and tells when
/// watching should stop: the session ended, the connection closed for good, input ended, or Ctrl+C.
/// </summary>
internal sealed class SessionWatcher
{
    private readonly CliConsole _console;
    private readonly TaskCompletionSource<string> _over = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private List<string>? _held = [];

    public SessionWatcher(MirrorClient client, CliConsole console)
    {
        _console = console;
        client.CustomerChanged += (_, e) => Print(e);
        client.ProductChanged += (_, e) => Print(e);
        client.PeerJoined += (_, e) => Print(e);
        client.PeerLeft += (_, e) => Print(e);
        client.JoinRequested += (_, e) => Print(e);
        client.JoinWithdrawn += (_, e) => Print(e);
        client.JoinPending += (_, e) => Print(e);
        client.JoinDenied += (_, e) => Print(e);
        client.Signal += (_, e) => Print(e);
        client.Undecryptable += (_, e) => Print(e);
        client.Pairing += (_, e) =>
        {
            Print(e);
            console.Say(client.Role == "host"
                ? $"viewer {e.MemberId} shows {e.Code}{(e.ViaLink ? " (it holds the link)" : "")}: if the digits match, type: admit {e.MemberId}"
                : $"compare this code with the salesperson's screen: {e.Code}");
        };
        client.SessionEnded += (_, e) =>
        {
            Print(e);
            _over.TrySetResult($"session {e.SessionId} ended ({e.Reason})");
        };
        client.Error += (_, e) => console.Say($"error: {e.Code}: {e.Message}");
        client.StateChanged += (_, state) =>
        {
            if (state == ConnectionState.Closed)
            {
                _over.TrySetResult("connection closed");
            }
            else if (state == ConnectionState.Reconnecting)
            {
                console.Say("connection lost, reconnecting…");
            }
        };
    }

    /// <summary>Prints the events held so far and every one from now on: the command's own line (created, joined)
    /// comes first although the state that follows a join may arrive before the join call returns.</summary>
    public void Start()
    {
        lock (_gate)
        {
            foreach (var line in _held!)
            {
                _console.WriteLine(line);
            }
            _held = null;
        }
    }

    /// <summary>Waits until watching is over; true when the session itself is over (nothing left to leave).</summary>
    public async Task<bool> WaitAsync(CancellationToken cancellationToken, Func<string, Task>? onLine = null)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var input = _console.EndOfInputAsync(stop.Token, onLine);
        var cancelled = Task.Delay(Timeout.Infinite, stop.Token);
        var first = await Task.WhenAny(_over.Task, input, cancelled).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        if (first == _over.Task)
        {
            _console.Say(await _over.Task.ConfigureAwait(false));
            return true;
        }
        _console.Say(first == input ? "end of input, leaving" : "interrupted, leaving");
        return false;
    }

    /// <summary>Events that arrive while the command's own line is not printed yet are held (see <see cref="Start"/>),
    /// except those of a join still waiting for admission, which come before that line by nature.</summary>
    private void Print(MirrorEvent item)
    {
        var line = JsonLines.Event(item);
        lock (_gate)
        {
            if (_held is not null && item is not (JoinPendingEvent or PairingEvent or JoinDeniedEvent))
            {
                _held.Add(line);
                return;
            }
            _console.WriteLine(line);
        }
    }
}
