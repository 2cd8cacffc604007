using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using SfaMirror.Server.Admin;

namespace SfaMirror.Server;

/// <summary>
/// Every type the HTTP endpoints write as JSON (<c>Results.Json</c>, <c>Results.BadRequest(text)</c>,
/// <c>Results.Problem</c>), generated at build time. It is the only resolver of the HTTP JSON options, in
/// every build: a Native AOT build has no reflection-based JSON, and with this the JIT build (and so the
/// tests) fails the same way when a type is missing here instead of only the AOT binary at run time.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AdminStats))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(ProblemDetails))]
internal sealed partial class HttpJsonContext : JsonSerializerContext;
