namespace SfaMirror.Server.Backplane;

/// <summary>
/// The one delivery callback. A store reports what members must be told through it, in session order:
/// the in-memory store calls it while it holds the session, the Redis store from the session's pub/sub
/// subscription. Either way the same events reach the same delivery code. Never waits.
/// </summary>
internal interface ISessionEventSink
{
    void OnEvent(in SessionEvent e);
}
