namespace SfaMirror.Client.Protocol;

/// <summary>The <c>JOIN_SESSION</c> payload of a host taking its role back.</summary>
internal sealed record ResumePayload(string ResumeToken);
