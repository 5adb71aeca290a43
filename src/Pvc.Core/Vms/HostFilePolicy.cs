using Pvc.Core.Connection;
using Pvc.Core.Errors;

namespace Pvc.Core.Vms;

/// <summary>
/// Which host files a node service may read for a client: those under the directories the cluster allows host paths in
/// (<see cref="DomainXmlAllowList.Directories"/>, the domain XML policy's list), or any when it allows every host path.
/// The node service reads them as root, so a file anywhere else (/etc/shadow, a Ceph keyring) is no upload source.
/// </summary>
public static class HostFilePolicy
{
    /// <summary>Refuses <paramref name="path"/> unless the cluster allows host paths there.</summary>
    /// <exception cref="PvcException">AccessDenied: "ImagePathNotAllowed".</exception>
    public static async Task CheckImagePathAsync(ClusterConnection cluster, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(path);
        var allowed = await DomainXmlAllowList.ReadAsync(cluster.ZooKeeper, cancellationToken);
        if (allowed.Allows(DomainXmlFeature.HostPath) || allowed.Directories.Any(d => d.Contains(path)))
            return;
        throw new PvcException(PvcErrorKind.AccessDenied, PvcErrorIds.ImagePathNotAllowed,
            $"Image '{path}' is not under a directory the cluster allows host paths in ({(allowed.Directories.Count == 0 ? "none is allowed" : string.Join(", ", allowed.Directories.Select(d => d.Path)))}). " +
            "Put the image in an allowed directory, or allow one that only administrators write to (the cluster's allowed host directories for domain XML).") { Target = path };
    }
}
