using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pvc.Core.Errors;

namespace Pvc.Core.Tasks;

/// <summary>A task's record as stored in <c>/tasks/items/&lt;id&gt;</c>: one JSON object, snake_case keys, UTC ISO-8601 times.</summary>
internal static class ClusterTaskCodec
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static byte[] Encode(ClusterTask task)
    {
        var o = new JsonObject
        {
            ["id"] = task.Id,
            ["kind"] = task.Kind,
            ["arguments"] = task.Arguments.DeepClone(),
            ["run_on"] = task.RunOn,
            ["node_bound"] = task.NodeBound,
            ["state"] = StateText(task.State),
            ["created"] = Time(task.CreatedAt),
            ["runner_session"] = task.RunnerSession.ToString("x", CultureInfo.InvariantCulture),
            ["safe_to_repeat"] = task.SafeToRepeat,
            ["attempts"] = task.Attempts,
            ["history"] = new JsonArray([.. task.History.Select(h => (JsonNode?)JsonValue.Create(h))]),
        };
        if (task.Progress is { } p)
            o["progress"] = new JsonObject { ["current"] = p.Current, ["total"] = p.Total, ["status"] = p.Status };
        if (task.Result is { } r)
            o["result"] = r.DeepClone();
        if (task.Error is { } e)
            o["error"] = e;
        if (task.ErrorId is { } id)
            o["error_id"] = id;
        if (task.ErrorKind is { } kind)
            o["error_kind"] = kind.ToString();
        if (task.StartedAt is { } s)
            o["started"] = Time(s);
        if (task.FinishedAt is { } f)
            o["finished"] = Time(f);
        return JsonSerializer.SerializeToUtf8Bytes(o, Compact);
    }

    /// <exception cref="PvcException">InvalidData: "TaskRecordInvalid".</exception>
    public static ClusterTask Decode(string id, ReadOnlySpan<byte> data, int version)
    {
        try
        {
            var o = JsonNode.Parse(data) as JsonObject ?? throw new FormatException("not a JSON object");
            return new ClusterTask
            {
                Id = id,
                Kind = Text(o, "kind"),
                Arguments = o["arguments"] as JsonObject is { } a ? (JsonObject)a.DeepClone() : [],
                RunOn = Text(o, "run_on"),
                NodeBound = o["node_bound"]?.GetValue<bool>() ?? false,
                State = ParseState(Text(o, "state")),
                Progress = o["progress"] is JsonObject p
                    ? new ClusterTaskProgress(p["current"]?.GetValue<int>() ?? 0, p["total"]?.GetValue<int>() ?? 0, p["status"]?.GetValue<string>() ?? "")
                    : null,
                Result = o["result"]?.DeepClone(),
                Error = o["error"]?.GetValue<string>(),
                ErrorId = o["error_id"]?.GetValue<string>(),
                ErrorKind = o["error_kind"]?.GetValue<string>() is { } k && Enum.TryParse<PvcErrorKind>(k, out var kind) ? kind : null,
                CreatedAt = ParseTime(Text(o, "created")),
                StartedAt = o["started"]?.GetValue<string>() is { } s ? ParseTime(s) : null,
                FinishedAt = o["finished"]?.GetValue<string>() is { } f ? ParseTime(f) : null,
                RunnerSession = o["runner_session"]?.GetValue<string>() is { } rs ? long.Parse(rs, NumberStyles.HexNumber, CultureInfo.InvariantCulture) : 0,
                SafeToRepeat = o["safe_to_repeat"]?.GetValue<bool>() ?? false,
                Attempts = o["attempts"]?.GetValue<int>() ?? 0,
                History = o["history"] is JsonArray h ? [.. h.Select(x => x?.GetValue<string>() ?? "")] : [],
                Version = version,
            };
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException or KeyNotFoundException)
        {
            throw new PvcException(PvcErrorKind.InvalidData, PvcErrorIds.TaskRecordInvalid,
                $"The record of task {id} ({TaskKeys.Item(id)}) cannot be read: {e.Message}. Remove it with the ZooKeeper tools if it is not this version's.", e) { Target = id };
        }
    }

    public static string StateText(ClusterTaskState state) => state switch
    {
        ClusterTaskState.Pending => "pending",
        ClusterTaskState.Running => "running",
        ClusterTaskState.Success => "success",
        _ => "failure",
    };

    private static ClusterTaskState ParseState(string text) => text switch
    {
        "pending" => ClusterTaskState.Pending,
        "running" => ClusterTaskState.Running,
        "success" => ClusterTaskState.Success,
        "failure" => ClusterTaskState.Failure,
        _ => throw new FormatException($"unknown state '{text}'"),
    };

    private static string Text(JsonObject o, string key) => o[key]?.GetValue<string>() ?? throw new FormatException($"no '{key}'");

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
