namespace SfaMirror.Server.Tests.Observability;

/// <summary>
/// Tests that read <c>/metrics</c> run alone, after the parallel ones. OpenTelemetry's MeterProvider listens
/// to every meter of a name in the process, and disposing one relay's meter stops the shared metric stream
/// of every other relay alive at that time (open-telemetry/opentelemetry-dotnet#6412). Production runs one
/// relay per process; tests that start many at once must not scrape while another one is being disposed.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "metrics";
}
