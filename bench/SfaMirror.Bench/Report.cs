using System.Text.Json;

namespace SfaMirror.Bench;

/// <summary>Human-readable lines as the run goes, and one machine-readable <c>RESULT {json}</c> line at the end.</summary>
internal static class Report
{
    public static void Line(string text) => Console.WriteLine(text);

    public static void Result(string scenario, Dictionary<string, object?> figures)
    {
        figures["scenario"] = scenario;
        figures["cores"] = Environment.ProcessorCount;
        figures["loadavg"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : null;
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(figures));
    }

    public static double Round(double v, int digits = 2) => Math.Round(v, digits);
}
