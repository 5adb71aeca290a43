using System.Security.Cryptography;
using System.Text;

namespace Pvc.ZooKeeper;

/// <summary>One access control entry: permissions granted to an identity of a scheme.</summary>
/// <param name="Permissions">What is granted.</param>
/// <param name="Scheme">The scheme: world, auth, digest, ip, ...</param>
/// <param name="Id">The identity within the scheme.</param>
public sealed record Acl(Permissions Permissions, string Scheme, string Id)
{
    /// <summary>Everyone may do everything (ZooDefs.Ids.OPEN_ACL_UNSAFE).</summary>
    public static IReadOnlyList<Acl> OpenUnsafe { get; } = [new(Permissions.All, "world", "anyone")];

    /// <summary>Everyone may read (ZooDefs.Ids.READ_ACL_UNSAFE).</summary>
    public static IReadOnlyList<Acl> ReadUnsafe { get; } = [new(Permissions.Read, "world", "anyone")];

    /// <summary>Only the identities authenticated on the creating session (ZooDefs.Ids.CREATOR_ALL_ACL).</summary>
    public static IReadOnlyList<Acl> CreatorAll { get; } = [new(Permissions.All, "auth", "")];

    /// <summary>An entry for a digest user: the id is <c>user:base64(sha1(user:password))</c>.</summary>
    public static Acl Digest(string user, string password, Permissions permissions)
    {
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes($"{user}:{password}"));
        return new Acl(permissions, "digest", $"{user}:{Convert.ToBase64String(hash)}");
    }
}
