using System.Collections.Concurrent;
using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Backplane;

/// <summary>
/// The members connected to this node, grouped by session, and the delivery end of the backplane:
/// every event a store reports lands here and is queued to the local members it concerns. Queuing
/// never waits, so a slow member never delays a broadcast.
/// </summary>
internal sealed class SessionHub : ISessionEventSink
{
    private readonly ConcurrentDictionary<string, LocalGroup> _groups = new(StringComparer.Ordinal);

    /// <summary>Local sessions with at least one local member.</summary>
    public int SessionCount => _groups.Count;

    /// <summary>
    /// Registers a member before it creates or joins a session. It receives nothing from the session
    /// until the store delivers its own reply (<see cref="DeliverToMember"/>), so that the reply and the
    /// state after it always come before any later broadcast.
    /// </summary>
    public void Attach(string code, ILocalMember member)
    {
        while (true)
        {
            var group = _groups.GetOrAdd(code, static _ => new LocalGroup());
            lock (group)
            {
                if (group.Removed)
                {
                    continue;
                }
                foreach (var slot in group.Slots)
                {
                    if (slot.Member.MemberId == member.MemberId)
                    {
                        return;
                    }
                }
                group.Slots.Add(new Slot(member));
                return;
            }
        }
    }

    public void Detach(string code, string memberId)
    {
        if (!_groups.TryGetValue(code, out var group))
        {
            return;
        }
        lock (group)
        {
            group.Slots.RemoveAll(s => s.Member.MemberId == memberId);
            RemoveIfEmpty(code, group);
        }
    }

    public void DeliverToMember(string sessionCode, string memberId, byte[] reply, byte[]? customerState, byte[]? productState)
    {
        if (!_groups.TryGetValue(sessionCode, out var group))
        {
            return;
        }
        lock (group)
        {
            foreach (var slot in group.Slots)
            {
                if (slot.Member.MemberId != memberId)
                {
                    continue;
                }
                slot.Active = true;
                slot.Member.Send(reply);
                if (customerState is not null) slot.Member.Send(customerState);
                if (productState is not null) slot.Member.Send(productState);
                return;
            }
        }
    }

    public void Broadcast(string sessionCode, string? exceptMemberId, byte[] frame, StateKind? coalesceAs)
    {
        if (!_groups.TryGetValue(sessionCode, out var group))
        {
            return;
        }
        var outbound = new OutboundFrame(frame, coalesceAs is { } kind ? new StateCoalesceKey(sessionCode, kind) : null);
        lock (group)
        {
            foreach (var slot in group.Slots)
            {
                if (slot.Active && slot.Member.MemberId != exceptMemberId)
                {
                    slot.Member.Send(outbound);
                }
            }
        }
    }

    public void HostResumedElsewhere(string sessionCode, string memberId)
    {
        if (!_groups.TryGetValue(sessionCode, out var group))
        {
            return;
        }
        ILocalMember? kicked = null;
        lock (group)
        {
            var index = group.Slots.FindIndex(s => s.Member.MemberId == memberId);
            if (index >= 0)
            {
                kicked = group.Slots[index].Member;
                group.Slots.RemoveAt(index);
                RemoveIfEmpty(sessionCode, group);
            }
        }
        kicked?.OnHostResumedElsewhere(sessionCode);
    }

    public void SessionEnded(string sessionCode, string? requesterMemberId, byte[] requesterFrame, byte[] othersFrame)
    {
        if (!_groups.TryGetValue(sessionCode, out var group))
        {
            return;
        }
        Slot[] slots;
        lock (group)
        {
            slots = [.. group.Slots];
            group.Slots.Clear();
            RemoveIfEmpty(sessionCode, group);
            foreach (var slot in slots)
            {
                if (slot.Active)
                {
                    slot.Member.Send(slot.Member.MemberId == requesterMemberId ? requesterFrame : othersFrame);
                }
            }
        }
        foreach (var slot in slots)
        {
            slot.Member.OnSessionEnded(sessionCode);
        }
    }

    private void RemoveIfEmpty(string code, LocalGroup group)
    {
        if (group.Slots.Count == 0)
        {
            group.Removed = true;
            _groups.TryRemove(new KeyValuePair<string, LocalGroup>(code, group));
        }
    }

    private sealed record StateCoalesceKey(string Code, StateKind Kind);

    private sealed class LocalGroup
    {
        public readonly List<Slot> Slots = new(2);
        public bool Removed;
    }

    private sealed class Slot(ILocalMember member)
    {
        public ILocalMember Member { get; } = member;
        public bool Active { get; set; }
    }
}
