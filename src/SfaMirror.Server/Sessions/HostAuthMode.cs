namespace SfaMirror.Server.Sessions;

/// <summary><see cref="HostAuthOptions.Mode"/>: whether a host must prove who it is with a token.</summary>
internal enum HostAuthMode
{
    /// <summary>As the original server: anyone may create a session; <c>payload.token</c> is ignored.</summary>
    Off,
    /// <summary>A token may be given; a valid one marks the session <c>hostVerified</c>, an invalid one is refused.</summary>
    Optional,
    /// <summary>Creating a session, and resuming one as host, needs a valid token.</summary>
    Required,
}
