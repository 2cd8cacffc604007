namespace SfaMirror.Server.Observability;

/// <summary>Who may scrape <c>/metrics</c>. Bound from the <c>Relay</c> section (<c>Relay__MetricsToken</c>).</summary>
internal sealed class MetricsOptions
{
    /// <summary>Bearer token <c>/metrics</c> then requires (401 without it). Empty: <c>/metrics</c> is open, as before.</summary>
    public string? MetricsToken { get; set; }
}
