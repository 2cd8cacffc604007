using System.Collections.Concurrent;
using SfaMirror.Server.Backplane;
using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Sessions;

/// <summary>
/// The members connected to this node, grouped by session, and the subscriptions that bring each
/// session's events here: a session is subscribed when its first local member arrives and unsubscribed
/// after its last one left (as Centrifuge's <c>node.addSubscription</c> and SignalR's
/// <c>RedisSubscriptionManager</c> do). Delivering only queues to members' connections, never waits,
/// so a slow member never delays a broadcast.
/// </summary>
internal sealed class SessionHub(ISessionSubscriptions subscriptions)
{
    private readonly ConcurrentDictionary<string, LocalGroup> _groups = new(StringComparer.Ordinal);

    /// <summary>
    /// Registers a member before it creates or joins a session, subscribing to the session first when it is
    /// the session's first member here; a failed subscribe leaves nothing attached. The member receives
    /// nothing until its own reply is delivered (<see cref="DeliverReply"/>), so that the reply and the state
    /// after it always come before any later broadcast.
    /// </summary>
    public async ValueTask AttachAsync(string code, ILocalMember member, CancellationToken cancellationToken)
    {
        while (true)
        {
            var group = _groups.GetOrAdd(code, static _ => new LocalGroup());
            await group.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (group.Removed)
                {
                    continue;
                }
                if (!group.Subscribed)
                {
                    try
                    {
                        await subscriptions.SubscribeAsync(code, cancellationToken).ConfigureAwait(false);
                    }
                    catch
                    {
                        RemoveIfEmpty(code, group);
                        throw;
                    }
                    group.Subscribed = true;
                }
                lock (group)
                {
                    if (group.IndexOf(member.MemberId) < 0)
                    {
                        group.Slots.Add(new Slot(member));
                    }
                }
                return;
            }
            finally
            {
                group.Gate.Release();
            }
        }
    }

    /// <summary>Removes a member; after the session's last local member, unsubscribes from it.</summary>
    public async ValueTask DetachAsync(string code, string memberId)
    {
        if (Remove(code, memberId, out var group, out _) is not null)
        {
            await ReleaseIfEmptyAsync(code, group!).ConfigureAwait(false);
        }
    }

    /// <summary>Whether the member is attached here: events for one member are only worth encoding on its node.</summary>
    public bool IsAttached(string code, string memberId)
    {
        if (!_groups.TryGetValue(code, out var group))
        {
            return false;
        }
        lock (group)
        {
            return group.IndexOf(memberId) >= 0;
        }
    }

    public bool HasMembers(string code) => _groups.ContainsKey(code);

    /// <summary>
    /// A member's own reply and what follows it; from here on the member receives the session's broadcasts. A member
    /// that was waiting for admission is told it is in.
    /// </summary>
    public void DeliverReply(string code, string memberId, OutboundFrame reply, byte[]? customer = null, byte[]? product = null)
    {
        if (!_groups.TryGetValue(code, out var group))
        {
            return;
        }
        lock (group)
        {
            var index = group.IndexOf(memberId);
            if (index < 0)
            {
                return;
            }
            var slot = group.Slots[index];
            slot.Active = true;
            if (slot.Waiting)
            {
                slot.Waiting = false;
                slot.Member.OnAdmitted(code);
            }
            slot.Member.Send(reply);
            if (customer is not null) slot.Member.Send(customer);
            if (product is not null) slot.Member.Send(product);
        }
    }

    /// <summary>
    /// The reply to a join held for admission: the member receives frames meant for it alone (signals, the end of the
    /// session) but no broadcast until it is admitted.
    /// </summary>
    public void DeliverWaiting(string code, string memberId, OutboundFrame reply)
    {
        if (!_groups.TryGetValue(code, out var group))
        {
            return;
        }
        lock (group)
        {
            var index = group.IndexOf(memberId);
            if (index < 0 || group.Slots[index].Active)
            {
                return;
            }
            group.Slots[index].Waiting = true;
            group.Slots[index].Member.Send(reply);
        }
    }

    /// <summary>A frame for one member that is in the session or waiting to be admitted, if it is here.</summary>
    public void SendTo(string code, string memberId, OutboundFrame frame)
    {
        if (!_groups.TryGetValue(code, out var group))
        {
            return;
        }
        lock (group)
        {
            var index = group.IndexOf(memberId);
            if (index >= 0 && group.Slots[index] is { } slot && (slot.Active || slot.Waiting))
            {
                slot.Member.Send(frame);
            }
        }
    }

    /// <summary>The host kicked or denied a member: it is removed here, forgets the session, and gets <paramref name="frame"/>.</summary>
    public void Removed(string code, string memberId, OutboundFrame frame)
    {
        if (Remove(code, memberId, out var group, out var wasTold) is { } removed)
        {
            removed.OnSessionEnded(code);
            if (wasTold)
            {
                removed.Send(frame);
            }
            _ = ReleaseIfEmptyAsync(code, group!).AsTask();
        }
    }

    /// <summary>A frame for every active member of the session except <paramref name="exceptMemberId"/>.</summary>
    public void Broadcast(string code, string? exceptMemberId, OutboundFrame frame)
    {
        if (!_groups.TryGetValue(code, out var group))
        {
            return;
        }
        lock (group)
        {
            foreach (var slot in group.Slots)
            {
                if (slot.Active && slot.Member.MemberId != exceptMemberId)
                {
                    slot.Member.Send(frame);
                }
            }
        }
    }

    /// <summary>The host role moved to another connection: the member holding it here is removed and closed.</summary>
    public void HostResumedElsewhere(string code, string memberId)
    {
        if (Remove(code, memberId, out var group, out _) is { } replaced)
        {
            replaced.OnHostResumedElsewhere(code);
            _ = ReleaseIfEmptyAsync(code, group!).AsTask();
        }
    }

    /// <summary>The session is gone: the member that ended it gets <paramref name="requesterFrame"/>, every other active one <paramref name="othersFrame"/>.</summary>
    public void SessionEnded(string code, string? requesterMemberId, OutboundFrame requesterFrame, OutboundFrame othersFrame)
    {
        if (!_groups.TryGetValue(code, out var group))
        {
            return;
        }
        Slot[] slots;
        lock (group)
        {
            slots = [.. group.Slots];
            group.Slots.Clear();
        }
        // Each member forgets the session before its SESSION_ENDED is queued: a client that reads the frame
        // and answers at once (from a Redis event thread, nothing holds the frame back) is already in none.
        foreach (var slot in slots)
        {
            slot.Member.OnSessionEnded(code);
        }
        foreach (var slot in slots)
        {
            if (slot.Active || slot.Waiting)
            {
                slot.Member.Send(slot.Member.MemberId == requesterMemberId ? requesterFrame : othersFrame);
            }
        }
        _ = ReleaseIfEmptyAsync(code, group).AsTask();
    }

    /// <summary>Takes a member out of its group; null when it was not attached here.</summary>
    private ILocalMember? Remove(string code, string memberId, out LocalGroup? group, out bool wasTold)
    {
        wasTold = false;
        if (!_groups.TryGetValue(code, out group))
        {
            return null;
        }
        lock (group)
        {
            var index = group.IndexOf(memberId);
            if (index < 0)
            {
                return null;
            }
            var member = group.Slots[index].Member;
            wasTold = group.Slots[index].Active || group.Slots[index].Waiting;
            group.Slots.RemoveAt(index);
            return member;
        }
    }

    /// <summary>Drops an empty group and its subscription, under the gate a concurrent attach waits on.</summary>
    private async ValueTask ReleaseIfEmptyAsync(string code, LocalGroup group)
    {
        await group.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!RemoveIfEmpty(code, group) || !group.Subscribed)
            {
                return;
            }
            group.Subscribed = false;
            await subscriptions.UnsubscribeAsync(code).ConfigureAwait(false);
        }
        finally
        {
            group.Gate.Release();
        }
    }

    /// <summary>Called under the group's gate. True when the group was empty and is now removed.</summary>
    private bool RemoveIfEmpty(string code, LocalGroup group)
    {
        lock (group)
        {
            if (group.Removed || group.Slots.Count > 0)
            {
                return false;
            }
            group.Removed = true;
        }
        _groups.TryRemove(new KeyValuePair<string, LocalGroup>(code, group));
        return true;
    }

    private sealed class LocalGroup
    {
        public readonly List<Slot> Slots = new(2);
        /// <summary>Held across subscribe and unsubscribe, never while delivering.</summary>
        public readonly SemaphoreSlim Gate = new(1, 1);
        public bool Subscribed;
        public bool Removed;

        public int IndexOf(string memberId) => Slots.FindIndex(s => s.Member.MemberId == memberId);
    }

    private sealed class Slot(ILocalMember member)
    {
        public ILocalMember Member { get; } = member;
        /// <summary>Its reply was delivered: it receives the session's broadcasts.</summary>
        public bool Active { get; set; }
        /// <summary>It waits for admission: it receives what is sent to it alone.</summary>
        public bool Waiting { get; set; }
    }
}
