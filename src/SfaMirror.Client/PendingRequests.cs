using System.Collections.Concurrent;
using SfaMirror.Client.Protocol;

namespace SfaMirror.Client;

/// <summary>
/// Requests waiting for their reply, by <c>requestId</c>. A request may carry an action that runs on the receive
/// loop when its reply arrives, before any later message is handled, so that what a reply changes (the session
/// joined) is in place for the messages that follow it (that session's state).
/// </summary>
internal sealed class PendingRequests
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Waits for the reply to <paramref name="requestId"/>. A message for which <paramref name="interim"/> returns
    /// true (a <c>JOIN_PENDING</c>) is handled by it and the request goes on waiting for its final reply.</summary>
    public Task<InboundMessage> Add(string requestId, Action<InboundMessage>? onReply, Func<InboundMessage, bool>? interim = null)
    {
        var entry = new Entry(new TaskCompletionSource<InboundMessage>(TaskCreationOptions.RunContinuationsAsynchronously), onReply, interim);
        _entries[requestId] = entry;
        return entry.Reply.Task;
    }

    public void Remove(string requestId) => _entries.TryRemove(requestId, out _);

    /// <summary>Hands <paramref name="message"/> to the request it answers; false when none waits for it.</summary>
    public bool TryComplete(InboundMessage message)
    {
        if (message.RequestId is null || !_entries.TryGetValue(message.RequestId, out var entry))
        {
            return false;
        }
        if (entry.Interim is not null && entry.Interim(message))
        {
            return true;
        }
        if (!_entries.TryRemove(message.RequestId, out _))
        {
            return false;
        }
        try
        {
            entry.OnReply?.Invoke(message);
            entry.Reply.TrySetResult(message);
        }
        catch (Exception ex)
        {
            entry.Reply.TrySetException(ex);
        }
        return true;
    }

    /// <summary>Fails one waiting request (a join refused by a message without a <c>requestId</c>).</summary>
    public void TryFail(string requestId, Exception error)
    {
        if (_entries.TryRemove(requestId, out var entry))
        {
            entry.Reply.TrySetException(error);
        }
    }

    public void FailAll(Exception error)
    {
        foreach (var key in _entries.Keys)
        {
            if (_entries.TryRemove(key, out var entry))
            {
                entry.Reply.TrySetException(error);
            }
        }
    }

    private sealed record Entry(TaskCompletionSource<InboundMessage> Reply, Action<InboundMessage>? OnReply, Func<InboundMessage, bool>? Interim);
}
