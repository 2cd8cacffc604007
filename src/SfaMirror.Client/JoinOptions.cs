namespace SfaMirror.Client;

/// <summary>How <see cref="MirrorClient.JoinSessionAsync(JoinOptions, CancellationToken)"/> joins: by code, by join key,
/// or as the host with its resume token.</summary>
public sealed class JoinOptions
{
    /// <summary>The session code; optional with a <see cref="JoinKey"/>.</summary>
    public string? SessionId { get; init; }

    /// <summary>A join link's key (docs/protocol.md, "Join links").</summary>
    public string? JoinKey { get; init; }

    /// <summary>Join as the host (takes the role back).</summary>
    public string? ResumeToken { get; init; }

    /// <summary>The host token, for a host's resume on a relay that requires one.</summary>
    public string? HostToken { get; init; }

    /// <summary>An encrypted session's content key (base64url), with its <see cref="Generation"/>: from a link's fragment,
    /// or, with <see cref="ResumeToken"/>, the one a host kept from <see cref="MirrorClient.ContentKey"/> to resume after a restart.</summary>
    public string? ContentKey { get; init; }

    public long? Generation { get; init; }

    /// <summary>The options of a join by <paramref name="link"/>.</summary>
    public static JoinOptions FromLink(JoinLink link) => new()
    {
        JoinKey = link.JoinKey,
        ContentKey = link.ContentKey,
        Generation = link.Generation,
    };
}
