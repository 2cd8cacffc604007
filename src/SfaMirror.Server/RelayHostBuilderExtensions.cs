namespace SfaMirror.Server;

/// <summary>Host settings: the listening port (<c>PORT</c>, as Railway and Heroku set it), Kestrel limits and logging.</summary>
public static class RelayHostBuilderExtensions
{
    public static WebApplicationBuilder ConfigureRelayHost(this WebApplicationBuilder builder)
    {
        // ASPNETCORE_URLS or --urls win when given; otherwise listen on every interface at PORT (default 3000).
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            var port = int.TryParse(Environment.GetEnvironmentVariable("PORT"), out var p) ? p : 3000;
            builder.WebHost.UseUrls($"http://0.0.0.0:{port}");
        }
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
        });
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        return builder;
    }
}
