namespace SfaMirror.Client;

/// <summary>The reply to <see cref="MirrorClient.JoinSessionAsync(string, string?, CancellationToken)"/>. <see cref="Role"/> is <c>host</c> or <c>viewer</c>;
/// <see cref="Members"/> counts the joiner; <see cref="HostVerified"/> when the host gave a valid host token;
/// <see cref="Encrypted"/> in an end-to-end encrypted session.</summary>
public sealed record SessionJoined(string SessionId, string Role, int Members, string? MemberId = null, bool HostVerified = false, bool Encrypted = false);
