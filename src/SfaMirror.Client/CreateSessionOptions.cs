namespace SfaMirror.Client;

/// <summary>What <see cref="MirrorClient.CreateSessionAsync(CreateSessionOptions, CancellationToken)"/> asks of the relay
/// (docs/protocol.md, "What clients send", <c>CREATE_SESSION</c>).</summary>
public sealed class CreateSessionOptions
{
    /// <summary>A host token (JWT) when the relay checks them ("Host tokens").</summary>
    public string? HostToken { get; init; }

    /// <summary>Viewers may not set the customer or product ("Read-only viewers").</summary>
    public bool ReadOnlyViewers { get; init; }

    /// <summary>The host admits each viewer ("Admission"); always on in an encrypted session.</summary>
    public bool HostAdmission { get; init; }

    /// <summary>End-to-end encrypted ("Encrypted sessions"): this client pairs with each viewer and seals every state.</summary>
    public bool Encrypted { get; init; }
}
