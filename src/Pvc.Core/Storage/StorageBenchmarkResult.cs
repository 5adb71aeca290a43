using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pvc.Core.Storage;

/// <summary>
/// A storage benchmark as PVC records it (a row of its <c>storage_benchmarks</c>: job, test_format, result), and what
/// <c>pvc storage benchmark list/info</c> show of it: running or finished, and each fio job's figures.
/// </summary>
public sealed record StorageBenchmarkResult
{
    /// <summary>PVC's result while the benchmark runs.</summary>
    public const string RunningText = "Running";

    /// <summary>The job's name (PVC's <c>&lt;time&gt;_&lt;primary&gt;</c> by default).</summary>
    public required string Job { get; init; }

    /// <summary>The result format (PVC 1.0.3 writes 2).</summary>
    public int TestFormat { get; init; }

    /// <summary>The pool benchmarked (Pvc records it; "" for a result PVC wrote).</summary>
    public string Pool { get; init; } = "";

    /// <summary>True while the benchmark runs (PVC's result "Running").</summary>
    public bool IsRunning { get; init; }

    /// <summary>The eight jobs' figures, in PVC's order; empty while running.</summary>
    public IReadOnlyList<StorageBenchmarkTest> Tests { get; init; } = [];

    /// <summary>PVC's result document (each job's entry by name), or null while running.</summary>
    public JsonObject? Result { get; init; }

    /// <summary>The test of this name, or null.</summary>
    public StorageBenchmarkTest? this[string name] => Tests.FirstOrDefault(t => t.Name == name);

    /// <summary>The record's text as stored: PVC's row as JSON.</summary>
    public static string Encode(string job, int testFormat, string pool, JsonObject? result) =>
        new JsonObject
        {
            ["job"] = job,
            ["test_format"] = testFormat,
            ["pool"] = pool,
            ["result"] = result is null ? RunningText : result.ToJsonString(),
        }.ToJsonString();

    /// <summary>
    /// The benchmark a stored row describes, or null when it is not one. The result is PVC's text: "Running", or the JSON
    /// document (as a string, as PVC's text column holds it, or as an object).
    /// </summary>
    public static StorageBenchmarkResult? Parse(string job, string? text)
    {
        if (string.IsNullOrEmpty(text))
            return null;
        JsonObject? row;
        try
        {
            row = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
        if (row is null)
            return null;
        var format = row["test_format"] is JsonValue f && f.TryGetValue<int>(out var n) ? n : 0;
        var pool = row["pool"] is JsonValue p && p.TryGetValue<string>(out var s) ? s : "";
        JsonObject? result = null;
        var running = false;
        switch (row["result"])
        {
            case JsonValue v when v.TryGetValue<string>(out var r) && r == RunningText:
                running = true;
                break;
            case JsonValue v when v.TryGetValue<string>(out var r):
                try { result = JsonNode.Parse(r) as JsonObject; } catch (JsonException) { result = null; }
                break;
            case JsonObject o:
                result = o;
                break;
        }
        return new StorageBenchmarkResult
        {
            Job = job,
            TestFormat = format,
            Pool = pool,
            IsRunning = running,
            Result = result,
            Tests = result is null ? [] : [.. result.Where(e => e.Value is JsonObject).Select(e => StorageBenchmarkTest.Parse(e.Key, e.Value))],
        };
    }
}
