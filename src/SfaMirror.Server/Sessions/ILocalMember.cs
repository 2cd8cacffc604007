using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Sessions;

/// <summary>A session member connected to this node, as the <see cref="SessionHub"/> sees it.</summary>
internal interface ILocalMember
{
    /// <summary>Unique across every node of a cluster.</summary>
    string MemberId { get; }

    /// <summary>Queues a frame for the member without waiting.</summary>
    void Send(OutboundFrame frame);

    /// <summary>The member is no longer in the session: it ended (by its host or by expiry), or the host kicked or denied it.</summary>
    void OnSessionEnded(string sessionCode);

    /// <summary>The host admitted the member, which was waiting: from now on it is a member like any other.</summary>
    void OnAdmitted(string sessionCode);

    /// <summary>The host role was resumed by another connection; this one is closed with 4000.</summary>
    void OnHostResumedElsewhere(string sessionCode);
}
