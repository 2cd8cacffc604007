using Microsoft.Extensions.Options;
using SfaMirror.Server.Observability;

namespace SfaMirror.Server.Admin;

/// <summary>The admin token check. With no token configured the admin area does not exist.</summary>
internal sealed class AdminToken(IOptions<AdminOptions> options)
{
    private readonly BearerToken _token = new(options.Value.AdminToken);

    public bool IsConfigured => _token.IsConfigured;

    public bool IsPresentedBy(HttpRequest request) => _token.IsPresentedBy(request);
}
