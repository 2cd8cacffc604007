using Microsoft.AspNetCore.StaticFiles;

namespace SfaMirror.Server.WebConsole;

/// <summary>
/// The browser console: a plain GET of <c>/</c> (a WebSocket upgrade on <c>/</c> never gets here: the relay
/// takes it first), <c>/mirror/{code}</c> (the Mirror side, joining by itself), its static files, and
/// <c>/qr?data=…</c> (the QR code of a Mirror link).
/// </summary>
internal static class ConsoleExtensions
{
    public static IServiceCollection AddConsole(this IServiceCollection services)
    {
        services.AddSingleton<ConsoleFiles>();
        return services;
    }

    public static WebApplication MapConsole(this WebApplication app)
    {
        var files = app.Services.GetRequiredService<ConsoleFiles>();
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files.Provider,
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "no-cache",
        });
        app.MapGet("/", (ConsoleFiles f) => f.Page("index.html"));
        app.MapGet("/mirror/{code}", (ConsoleFiles f) => f.Page("index.html"));
        app.MapGet("/qr", (HttpRequest request, string? data) => MirrorLinkQrCode.Draw(request, data));
        return app;
    }
}
