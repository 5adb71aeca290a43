using System.Text.Json.Nodes;
using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>
/// Reads a storage task's arguments (a JSON object in ZooKeeper) back into typed values, refusing anything missing or
/// of the wrong kind: the node that runs the task trusts nothing it reads there.
/// </summary>
internal static class StorageArguments
{
    public static string Text(JsonObject args, string name) =>
        args[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw Bad(name, "a string");

    public static string? OptionalText(JsonObject args, string name) =>
        args[name] is null ? null : Text(args, name);

    public static long Long(JsonObject args, string name) =>
        args[name] is JsonValue v && v.TryGetValue<long>(out var n) ? n : throw Bad(name, "a whole number");

    public static long? OptionalLong(JsonObject args, string name) => args[name] is null ? null : Long(args, name);

    public static bool Bool(JsonObject args, string name) =>
        args[name] is null ? false : args[name] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : throw Bad(name, "true or false");

    private static PvcException Bad(string name, string what) =>
        new(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidTaskArguments, $"The task's argument '{name}' is missing or not {what}; the task was not written by Pvc's storage commands.") { Target = name };
}
