namespace SfaMirror.Server.Tests.Infrastructure;

/// <summary>Where the relays of a <see cref="StoreSpec"/> keep their sessions.</summary>
public enum StoreKind
{
    /// <summary>This process's memory: no <c>Relay:Redis</c> setting, the default.</summary>
    Memory,

    /// <summary>The run's <see cref="SharedRedis"/>, under a key prefix of each server's own.</summary>
    Redis,
}
