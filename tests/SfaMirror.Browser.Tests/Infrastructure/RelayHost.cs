using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SfaMirror.Server;

namespace SfaMirror.Browser.Tests.Infrastructure;

/// <summary>A real relay with the production wiring (<see cref="RelayServerExtensions"/>) on a real Kestrel, on a free loopback port.</summary>
public sealed class RelayHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RelayHost(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseUri { get; }

    public string Url(string path) => new Uri(BaseUri, path).ToString();

    public static async Task<RelayHost> StartAsync(params (string Key, string Value)[] relaySettings)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        var settings = new Dictionary<string, string?> { ["Relay:SweepIntervalSeconds"] = "0.05" };
        foreach (var (key, value) in relaySettings)
        {
            settings[$"Relay:{key}"] = value;
        }
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddRelayServer(builder.Configuration);
        var app = builder.Build();
        app.MapRelayServer();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await app.StartAsync(cts.Token);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new RelayHost(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
