namespace SfaMirror.Client;

/// <summary>Where the client's connection stands (<see cref="MirrorClient.StateChanged"/>).</summary>
public enum ConnectionState
{
    Closed = 0,
    Connecting = 1,
    Open = 2,
    Reconnecting = 3,
}
