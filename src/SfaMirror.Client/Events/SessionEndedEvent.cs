namespace SfaMirror.Client.Events;

/// <summary>
/// The session is over for this client: <c>ended_by_host</c>, <c>expired</c>, <c>kicked</c> (the host removed this
/// client), or, raised by the client itself, <c>not_found</c> when the session was gone by the time a lost connection came back.
/// </summary>
public sealed record SessionEndedEvent(string SessionId, string Reason) : MirrorEvent(SessionId)
{
    public const string NotFound = "not_found";
    public const string RejoinFailed = "rejoin_failed";
    public const string Kicked = "kicked";
}
