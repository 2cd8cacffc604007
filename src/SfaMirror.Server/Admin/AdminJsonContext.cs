using System.Text.Json;
using System.Text.Json.Serialization;

namespace SfaMirror.Server.Admin;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AdminStats))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
