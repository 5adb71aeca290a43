using System.Security.Cryptography;
using Pvc.Core.Errors;

namespace Pvc.Core.Tasks;

/// <summary>A task's id: 8 lowercase hex digits, as PVC's (the first 8 of a Celery task id).</summary>
public static class ClusterTaskId
{
    /// <summary>A fresh random id.</summary>
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>True when <paramref name="id"/> is 8 hex digits.</summary>
    public static bool IsValid(string? id) => id is { Length: 8 } && id.All(char.IsAsciiHexDigit);

    /// <summary>The id, lowercased; "InvalidTaskId" when it is not 8 hex digits.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidTaskId".</exception>
    public static string Normalize(string? id) =>
        IsValid(id) ? id!.ToLowerInvariant()
            : throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidTaskId,
                $"'{new string((id ?? "").Where(c => !char.IsControl(c)).Take(40).ToArray())}' is not a task id: a task id is 8 hex digits.") { Target = id };
}
