using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SfaMirror.Server.Tests.Infrastructure;

/// <summary>
/// A real relay: the production wiring on a real Kestrel, listening on a free loopback port.
/// Options are given as <c>Relay</c> settings, e.g. <c>("MaxMembersPerSession", "2")</c>.
/// </summary>
public sealed class RelayServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RelayServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
        WebSocketUri = new Uri($"ws://{baseUri.Host}:{baseUri.Port}/");
    }

    public Uri BaseUri { get; }

    public Uri WebSocketUri { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<RelayServer> StartAsync(params (string Key, string Value)[] relaySettings)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        var settings = new Dictionary<string, string?>
        {
            ["Relay:SweepIntervalSeconds"] = "0.05",
        };
        foreach (var (key, value) in relaySettings)
        {
            settings[key.Contains(':') ? key : $"Relay:{key}"] = value;
        }
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddRelayServer(builder.Configuration);
        var app = builder.Build();
        app.MapRelayServer();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new RelayServer(app, new Uri(address));
    }

    /// <summary>A connected client of this server.</summary>
    public Task<TestClient> ConnectAsync(string path = "/") => TestClient.ConnectAsync(new Uri(WebSocketUri, path));

    public async Task StopAsync() => await _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
