using Microsoft.Extensions.Options;

namespace SfaMirror.Server.Observability;

/// <summary>The <c>/metrics</c> check: open when <c>Relay:MetricsToken</c> is empty, else the bearer token is required.</summary>
internal sealed class MetricsToken(IOptions<MetricsOptions> options)
{
    private readonly BearerToken _token = new(options.Value.MetricsToken);

    /// <summary>True when no token is configured, or the request presents it.</summary>
    public bool Admits(HttpRequest request) => !_token.IsConfigured || _token.IsPresentedBy(request);
}
