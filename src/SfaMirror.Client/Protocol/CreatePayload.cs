namespace SfaMirror.Client.Protocol;

/// <summary>The <c>CREATE_SESSION</c> payload; absent fields are the relay's defaults.</summary>
internal sealed record CreatePayload(string? Token, string? Viewers, string? Admission, string? Encryption);
