namespace SfaMirror.Server.Backplane;

/// <summary>
/// Told when this node finds its lease gone: other nodes have (or will have) removed its members, so its
/// connections must reconnect and rejoin rather than carry on in sessions that no longer count them.
/// </summary>
internal interface INodeLeaseListener
{
    void OnLeaseLost();
}
