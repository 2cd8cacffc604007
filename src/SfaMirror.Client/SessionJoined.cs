namespace SfaMirror.Client;

/// <summary>The reply to <see cref="MirrorClient.JoinSessionAsync"/>. <see cref="Role"/> is <c>host</c> or <c>viewer</c>;
/// <see cref="Members"/> counts the joiner.</summary>
public sealed record SessionJoined(string SessionId, string Role, int Members);
