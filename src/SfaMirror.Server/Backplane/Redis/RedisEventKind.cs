namespace SfaMirror.Server.Backplane.Redis;

/// <summary>What a message on a session channel reports (byte 1 of the event).</summary>
internal enum RedisEventKind : byte
{
    /// <summary>To the creator: <c>SESSION_CREATED</c>.</summary>
    Created = 1,
    /// <summary>To the joiner: <c>SESSION_JOINED</c> and the state (A = customer, B = product).</summary>
    Joined = 2,
    /// <summary>To all but the joiner: <c>PEER_JOINED</c>.</summary>
    PeerJoined = 3,
    /// <summary>To all but the leaver: <c>PEER_LEFT</c>.</summary>
    PeerLeft = 4,
    /// <summary>To all but the sender: <c>VIEW_CUSTOMER</c> or <c>VIEW_PRODUCT</c> (A = the update).</summary>
    State = 5,
    /// <summary>To the old host: closed with 4000.</summary>
    HostResumed = 6,
    /// <summary>To everyone: <c>SESSION_ENDED</c> (the target, if any, is the host who ended it).</summary>
    Ended = 7,
}
