namespace SfaMirror.Client.Protocol;

/// <summary>The <c>JOIN_SESSION</c> payload: a host's resume token (and host token), or a join link's key.</summary>
internal sealed record JoinPayload(string? ResumeToken, string? Token, string? JoinKey);
