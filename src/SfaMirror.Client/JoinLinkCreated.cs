namespace SfaMirror.Client;

/// <summary>The reply to <see cref="MirrorClient.CreateJoinLinkAsync"/>. In an encrypted session <see cref="Link"/> carries
/// the current content key and generation for the fragment.</summary>
public sealed record JoinLinkCreated(string JoinKey, DateTimeOffset ExpiresAt, int Uses, JoinLink Link);
