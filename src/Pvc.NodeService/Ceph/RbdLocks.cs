using System.Text;
using Pvc.Core.Errors;
using Pvc.Core.Storage;
using Pvc.NodeService.Ceph.Native;

namespace Pvc.NodeService.Ceph;

/// <summary>
/// The locks on RBD images through librbd: what <c>rbd lock ls</c> lists and <c>rbd lock rm</c> removes, which PVC's
/// <c>vm flush-locks</c> and its fence recovery run for every volume of a VM. A lock left by a QEMU on a node that died
/// (or was fenced) keeps another QEMU from opening the image for writing.
/// </summary>
public sealed class RbdLocks(RadosCluster cluster)
{
    /// <summary>The image's lockers.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidPoolName", "InvalidVolumeName".</exception>
    /// <exception cref="PvcException">NotFound: "PoolNotFound", "VolumeNotFound".</exception>
    public Task<IReadOnlyList<RbdLocker>> ListAsync(string pool, string volume, CancellationToken cancellationToken = default)
    {
        PoolName.Validate(pool);
        VolumeName.Validate(volume);
        return Task.Run<IReadOnlyList<RbdLocker>>(() =>
        {
            using var io = cluster.OpenPool(pool);
            using var image = RbdImages.Open(io, pool, volume);
            return Lockers(image, pool, volume);
        }, cancellationToken);
    }

    /// <summary>
    /// Breaks every lock on the image (each <c>rbd lock rm</c>); returns the lockers it broke. A lock released meanwhile
    /// is not an error.
    /// </summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidPoolName", "InvalidVolumeName".</exception>
    /// <exception cref="PvcException">NotFound: "PoolNotFound", "VolumeNotFound".</exception>
    public Task<IReadOnlyList<RbdLocker>> BreakAllAsync(string pool, string volume, CancellationToken cancellationToken = default)
    {
        PoolName.Validate(pool);
        VolumeName.Validate(volume);
        return Task.Run<IReadOnlyList<RbdLocker>>(() =>
        {
            using var io = cluster.OpenPool(pool);
            using var image = RbdImages.Open(io, pool, volume);
            var broken = new List<RbdLocker>();
            foreach (var locker in Lockers(image, pool, volume))
            {
                var result = RbdNative.rbd_break_lock(image, locker.Client, locker.Cookie);
                if (result == -CephErrors.NotFound)
                    continue;
                RadosCluster.Check(result, $"breaking the lock of {locker.Client}", $"{pool}/{volume}");
                broken.Add(locker);
            }
            return broken;
        }, cancellationToken);
    }

    private static unsafe List<RbdLocker> Lockers(RbdImageHandle image, string pool, string volume)
    {
        nuint tagLength = 64, clientsLength = 256, cookiesLength = 256, addressesLength = 256;
        while (true)
        {
            var tag = new byte[tagLength];
            var clients = new byte[clientsLength];
            var cookies = new byte[cookiesLength];
            var addresses = new byte[addressesLength];
            nint count;
            fixed (byte* t = tag, c = clients, k = cookies, a = addresses)
                count = RbdNative.rbd_list_lockers(image, out _, t, ref tagLength, c, ref clientsLength, k, ref cookiesLength, a, ref addressesLength);
            if (count == -CephErrors.Range)
                continue;
            RadosCluster.Check((int)count, "listing locks", $"{pool}/{volume}");
            var clientNames = Split(clients, clientsLength);
            var cookieNames = Split(cookies, cookiesLength);
            var addressNames = Split(addresses, addressesLength);
            return [.. Enumerable.Range(0, (int)count).Select(i => new RbdLocker(clientNames[i], cookieNames[i], addressNames[i]))];
        }
    }

    // NUL-terminated strings one after the other; an empty one (an address may be) is kept in its place
    private static string[] Split(byte[] buffer, nuint length)
    {
        var used = (int)Math.Min((ulong)buffer.Length, length);
        var text = Encoding.UTF8.GetString(buffer, 0, used);
        return text.EndsWith('\0') ? text[..^1].Split('\0') : text.Split('\0');
    }
}
