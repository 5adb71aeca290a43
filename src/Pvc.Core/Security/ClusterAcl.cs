using Pvc.ZooKeeper;

namespace Pvc.Core.Security;

/// <summary>
/// The ACL every znode of a cluster carries: ZooKeeper ACLs are not inherited, so each create names it. A connection
/// learns it from <c>/config</c> and makes it its client's default ACL; an initialisation writes it.
/// </summary>
public static class ClusterAcl
{
    /// <summary>The znode whose ACL is read as the cluster's (the cluster's name; it exists in every initialised cluster).</summary>
    public const string Anchor = "/config";

    /// <summary>The closed ACL: every permission for each credential's digest identity, nothing for anyone else.</summary>
    internal static IReadOnlyList<Acl> Closed(IEnumerable<ClusterCredential> credentials) =>
        [.. credentials.Select(c => c.AclEntry).DistinctBy(a => a.Id, StringComparer.Ordinal)];

    /// <summary>The mode an ACL gives: open when anyone (world:anyone) may read.</summary>
    internal static ClusterAccessMode ModeOf(IReadOnlyList<Acl> acl) =>
        acl.Any(a => a is { Scheme: "world", Id: "anyone" } && a.Permissions.HasFlag(Permissions.Read)) ? ClusterAccessMode.Open : ClusterAccessMode.Closed;
}
