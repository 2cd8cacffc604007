namespace SfaMirror.Server.Sessions;

/// <summary><see cref="SessionOptions.ViewerUpdates"/>: whether viewers may change a session's state.</summary>
internal enum ViewerUpdates
{
    /// <summary>As the original server: any member's update is stored and relayed.</summary>
    Allow,
    /// <summary>Viewers' updates are refused with <c>NOT_ALLOWED</c> in every session.</summary>
    Deny,
}
