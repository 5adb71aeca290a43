using Pvc.Core.Errors;

namespace Pvc.NodeService.Ceph;

/// <summary>
/// Reads a client's key from a cephx keyring file (<c>[client.admin]</c> then <c>key = AQ...==</c>), for the libvirt
/// secret QEMU authenticates with. The key is a password to the cluster: it is returned as bytes and never put in a
/// message or a log.
/// </summary>
public static class CephKeyringFile
{
    /// <summary>The decoded key of <paramref name="clientName"/> in the keyring at <paramref name="path"/>.</summary>
    /// <exception cref="PvcException">InvalidData: "CephKeyringInvalid": no such entity, or its key is not base64.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static byte[] ReadKey(string path, string clientName)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(clientName);
        string? section = null;
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = line[1..^1].Trim();
                continue;
            }
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (section != clientName || equals < 0 || line[..equals].Trim() != "key")
                continue;
            try
            {
                return Convert.FromBase64String(line[(equals + 1)..].Trim());
            }
            catch (FormatException)
            {
                throw Invalid(path, $"the key of {clientName} is not base64");
            }
        }
        throw Invalid(path, $"it has no key for {clientName}");
    }

    private static PvcException Invalid(string path, string what) =>
        new(PvcErrorKind.InvalidData, PvcErrorIds.CephKeyringInvalid, $"The Ceph keyring {path} cannot be used: {what}.") { Target = path };
}
