using SfaMirror.Server;

var builder = WebApplication.CreateSlimBuilder(args);
builder.ConfigureRelayHost();
builder.Services.AddRelayServer(builder.Configuration);

var app = builder.Build();
app.MapRelayServer();
app.Run();

/// <summary>Visible to tests, which start real servers of their own.</summary>
public partial class Program;
