using Pvc.ZooKeeper;

namespace Pvc.Testing.ZooKeeper;

/// <summary>Fresh chroots, so that tests, labs and benchmark runs on one ZooKeeper never see each other's znodes.</summary>
public static class ZooKeeperChroot
{
    /// <summary>Creates an empty, uniquely named chroot <c>/&lt;prefix&gt;-&lt;uuid&gt;</c> on <paramref name="endpoint"/> (a server root); returns its path.</summary>
    public static async Task<string> CreatePathAsync(string endpoint, string prefix)
    {
        var path = $"/{prefix}-{Guid.NewGuid():N}";
        await using var root = await ZooKeeperClient.ConnectAsync(endpoint);
        await root.CreateAsync(path, ReadOnlyMemory<byte>.Empty);
        return path;
    }

    /// <summary>As <see cref="CreatePathAsync"/>; returns the chroot's connection string (<paramref name="endpoint"/> and the path).</summary>
    public static async Task<string> CreateAsync(string endpoint, string prefix) => endpoint + await CreatePathAsync(endpoint, prefix);
}
