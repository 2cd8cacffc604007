namespace SfaMirror.Server.Admin;

/// <summary>
/// The operator pages. Bound from the <c>Relay</c> section like every area's options
/// (<c>appsettings.json</c>, or environment variables such as <c>Relay__AdminToken</c>); defaults as docs/protocol.md names them.
/// </summary>
internal sealed class AdminOptions
{
    /// <summary>Token that opens <c>/admin</c>. Empty: the admin page is off.</summary>
    public string? AdminToken { get; set; }
}

