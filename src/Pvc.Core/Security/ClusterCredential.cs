using Pvc.Core.Errors;
using Pvc.ZooKeeper;

namespace Pvc.Core.Security;

/// <summary>
/// A ZooKeeper digest user: the node services' member credential or an administrator's. Its ACL entry is computed
/// here (<c>digest:user:base64(sha1(user:password))</c>, ZooKeeper's DigestAuthenticationProvider.generateDigest), so
/// granting a user never sends the password anywhere but to ZooKeeper's own authentication.
/// </summary>
public sealed record ClusterCredential
{
    /// <summary>Checks and keeps the credential.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidCredential": the user is empty or holds ':' (digest splits at the first ':'), or the password is empty.</exception>
    public ClusterCredential(string user, string password)
    {
        if (string.IsNullOrEmpty(user) || user.Contains(':', StringComparison.Ordinal) || user.Any(char.IsControl))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidCredential, "A ZooKeeper user name must be non-empty, without ':' or control characters.") { Target = user };
        if (string.IsNullOrEmpty(password))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidCredential, $"The ZooKeeper password of '{user}' is empty.") { Target = user };
        User = user;
        Password = password;
    }

    /// <summary>The user name.</summary>
    public string User { get; }

    /// <summary>The password. Never logged nor shown.</summary>
    public string Password { get; }

    /// <summary>The ACL entry that grants this user every permission.</summary>
    internal Acl AclEntry => Acl.Digest(User, Password, Permissions.All);

    /// <summary>The digest scheme's auth data, <c>user:password</c>, for the session.</summary>
    internal (string Scheme, byte[] Auth) AuthData => ("digest", System.Text.Encoding.UTF8.GetBytes($"{User}:{Password}"));

    /// <summary>The record's text without the password.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("User = ").Append(User).Append(", Password = ***");
        return true;
    }
}
