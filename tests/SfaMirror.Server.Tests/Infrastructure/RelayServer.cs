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

    /// <summary>An absolute http URL of this server.</summary>
    public string Url(string path) => new Uri(BaseUri, path).ToString();

    /// <summary><c>/admin/api/stats</c> as the admin page reads it, with <paramref name="adminToken"/> as its bearer token.</summary>
    public async Task<System.Text.Json.JsonDocument> AdminStatsAsync(string adminToken)
    {
        using var http = new HttpClient { BaseAddress = BaseUri, Timeout = TestClient.DefaultTimeout };
        http.DefaultRequestHeaders.Authorization = new("Bearer", adminToken);
        return System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/admin/api/stats"));
    }

    public Uri WebSocketUri { get; }

    public IServiceProvider Services => _app.Services;

    public static Task<RelayServer> StartAsync(params (string Key, string Value)[] relaySettings) => StartAsync(null, relaySettings);

    /// <summary>Starts a server whose every log entry, at every level, lands in <paramref name="logs"/>.</summary>
    public static async Task<RelayServer> StartAsync(CapturedLogs? logs, params (string Key, string Value)[] relaySettings)
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
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (Environment.GetEnvironmentVariable("RELAY_TEST_LOGS") == "1")
        {
            // For debugging a failing test: the server's own logs on the console.
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Debug);
        }
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
            builder.Logging.AddFilter<CapturedLogs>(null, LogLevel.Trace);
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
        }
        builder.Services.AddRelayServer(builder.Configuration);
        // After AddRelayServer: Kestrel gives an endpoint its defaults (the relay's connection middleware) when it is declared.
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapRelayServer();
        await app.StartAsync();
        // With a management port there are two listeners; the relay's is the other one.
        var management = app.Configuration.GetValue<int>("Relay:ManagementPort");
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .First(a => management == 0 || new Uri(a).Port != management);
        return new RelayServer(app, new Uri(address));
    }

    /// <summary>A connected client of this server.</summary>
    public Task<TestClient> ConnectAsync(string path = "/") => TestClient.ConnectAsync(new Uri(WebSocketUri, path));

    /// <summary>A hand-driven client of this server (see <see cref="RawWebSocket"/>).</summary>
    public Task<RawWebSocket> ConnectRawAsync(int? receiveBufferBytes = null) => RawWebSocket.ConnectAsync(WebSocketUri, receiveBufferBytes);

    /// <summary>A connected client that has created a session.</summary>
    public async Task<(TestClient Host, string Code, string ResumeToken)> HostSessionAsync()
    {
        var host = await ConnectAsync();
        var (code, token) = await host.CreateSessionAsync();
        return (host, code, token);
    }

    /// <summary>
    /// A connected client that has joined <paramref name="code"/> as a viewer; each of
    /// <paramref name="members"/> (the session's current members) has consumed its <c>PEER_JOINED</c>.
    /// </summary>
    public async Task<TestClient> JoinViewerAsync(string code, params TestClient[] members)
    {
        var viewer = await ConnectAsync();
        await viewer.JoinAsync(code);
        foreach (var member in members)
        {
            await member.ExpectAsync("PEER_JOINED");
        }
        return viewer;
    }

    public T GetService<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public async Task StopAsync() => await _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
