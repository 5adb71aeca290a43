using System.Text.RegularExpressions;

namespace Pvc.Core.Schema;

/// <summary>
/// Recognises the lock nodes kazoo's recipes (PVC's tools, and Pvc.ZooKeeper's compatible locks) leave as
/// children of data znodes: <c>&lt;32 hex&gt;__lock__NNNNNNNNNN</c> or <c>__rlock__</c>. Every listing skips them.
/// </summary>
public static partial class LockNodes
{
    /// <summary>True when a child name is a lock contender node.</summary>
    public static bool IsLockNode(string childName) => Pattern().IsMatch(childName);

    /// <summary>The children that are not lock nodes.</summary>
    public static IEnumerable<string> Without(IEnumerable<string> children) => children.Where(c => !IsLockNode(c));

    [GeneratedRegex(@"^[0-9a-f]{32}__r?lock__-?\d{10}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
