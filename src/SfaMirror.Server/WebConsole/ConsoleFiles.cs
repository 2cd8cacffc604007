using System.Reflection;
using Microsoft.Extensions.FileProviders;

namespace SfaMirror.Server.WebConsole;

/// <summary>
/// The console's and admin page's files, embedded in the assembly (wwwroot/**), so that the test host,
/// <c>dotnet run</c> and a published server all serve the same files without depending on a content root.
/// </summary>
internal sealed class ConsoleFiles
{
    public IFileProvider Provider { get; } = new ManifestEmbeddedFileProvider(Assembly.GetExecutingAssembly(), "wwwroot");

    /// <summary>An HTML page; never cached, so that a redeployed console is picked up on the next visit.</summary>
    public IResult Page(string path)
    {
        var file = Provider.GetFileInfo(path);
        if (!file.Exists)
        {
            return Results.NotFound();
        }
        return new NoStoreResult(Results.Stream(file.CreateReadStream(), "text/html; charset=utf-8"));
    }

    private sealed class NoStoreResult(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.CacheControl = "no-cache";
            return inner.ExecuteAsync(httpContext);
        }
    }
}
