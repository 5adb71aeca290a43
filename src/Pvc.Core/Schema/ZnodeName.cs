using Pvc.ZooKeeper;

namespace Pvc.Core.Schema;

/// <summary>
/// Whether a name given by a user can be one segment of a znode path (a tag, a node), by ZooKeeper's own rules, so that
/// a bad name is refused as bad input, never as an error from deep in the client.
/// </summary>
public static class ZnodeName
{
    /// <summary>
    /// True when the name is one valid path segment: not empty, no '/', not "." or "..", and none of the characters
    /// ZooKeeper refuses in paths (controls, surrogates, so every character outside the Basic Multilingual Plane,
    /// private-use characters, U+FFF0 to U+FFFF).
    /// </summary>
    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('/', StringComparison.Ordinal))
            return false;
        try
        {
            PathValidation.Validate("/" + name);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
