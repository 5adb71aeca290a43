using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper.Recipes;

namespace Pvc.ZooKeeper.Tests;

/// <summary>The client's default ACL: what every create that names none carries, including transactions and lock nodes.</summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class DefaultAclTests(ZooKeeperFixture zk)
{
    private static readonly IReadOnlyList<Acl> Members = [Acl.Digest("member", "m3mber", Permissions.All), Acl.Digest("admin", "adm1n", Permissions.All)];

    [Fact]
    public async Task Creates_plain_in_a_transaction_and_of_lock_nodes_carry_the_default_acl()
    {
        var chroot = await zk.NewChrootAsync();
        await using var client = await ZooKeeperClient.ConnectAsync(chroot, new()
        {
            Auth = [("digest", "member:m3mber"u8.ToArray())],
            DefaultAcl = Members,
        });
        await client.CreateAsync("/plain", "p"u8.ToArray());
        await client.MultiAsync([Op.Create("/multi", "m"u8.ToArray()), Op.Create("/multi/child", "c"u8.ToArray())]);
        await using var held = new ZooKeeperLock(client, "/locked/deep", LockKind.Exclusive, "me");
        await held.AcquireAsync(TimeSpan.FromSeconds(10));

        foreach (var path in new[] { "/plain", "/multi", "/multi/child", "/locked", "/locked/deep", held.NodePath! })
            Assert.Equal(Members, (await client.GetAclAsync(path)).Acl);

        await using var stranger = await ZooKeeperClient.ConnectAsync(chroot);
        foreach (var path in new[] { "/plain", "/multi/child", held.NodePath! })
            await Assert.ThrowsAsync<NoAuthException>(() => stranger.GetDataAsync(path));
        await Assert.ThrowsAsync<NoAuthException>(() => stranger.CreateAsync("/multi/intruder", ReadOnlyMemory<byte>.Empty));
        await Assert.ThrowsAsync<NoAuthException>(() => stranger.SetDataAsync("/plain", "x"u8.ToArray()));

        // the other principal of the ACL works as well
        await using var admin = await ZooKeeperClient.ConnectAsync(chroot, new() { Auth = [("digest", "admin:adm1n"u8.ToArray())] });
        Assert.Equal("p"u8.ToArray(), (await admin.GetDataAsync("/plain")).Data);
    }

    [Fact]
    public async Task The_default_acl_can_change_and_an_explicit_acl_wins()
    {
        var chroot = await zk.NewChrootAsync();
        await using var client = await ZooKeeperClient.ConnectAsync(chroot);
        Assert.Equal(Acl.OpenUnsafe, client.DefaultAcl);
        await client.CreateAsync("/open", ReadOnlyMemory<byte>.Empty);
        await client.AddDigestAuthAsync("member", "m3mber");
        client.DefaultAcl = Members;
        await client.CreateAsync("/closed", ReadOnlyMemory<byte>.Empty);
        await client.MultiAsync([Op.Create("/explicit", ReadOnlyMemory<byte>.Empty, acl: Acl.ReadUnsafe)]);

        Assert.Equal(Acl.OpenUnsafe, (await client.GetAclAsync("/open")).Acl);
        Assert.Equal(Members, (await client.GetAclAsync("/closed")).Acl);
        Assert.Equal(Acl.ReadUnsafe, (await client.GetAclAsync("/explicit")).Acl);
        Assert.Throws<ArgumentException>(() => client.DefaultAcl = []);
    }

    [Fact]
    public async Task SetAcl_replaces_a_znodes_acl_and_checks_its_acl_version()
    {
        var chroot = await zk.NewChrootAsync();
        await using var client = await ZooKeeperClient.ConnectAsync(chroot, new() { Auth = [("digest", "member:m3mber"u8.ToArray())] });
        await client.CreateAsync("/x", ReadOnlyMemory<byte>.Empty);

        var stat = await client.SetAclAsync("/x", Members, version: 0);
        Assert.Equal(1, stat.AclVersion);
        Assert.Equal(Members, (await client.GetAclAsync("/x")).Acl);
        await Assert.ThrowsAsync<BadVersionException>(() => client.SetAclAsync("/x", Acl.OpenUnsafe, version: 0));
        await using var stranger = await ZooKeeperClient.ConnectAsync(chroot);
        await Assert.ThrowsAsync<NoAuthException>(() => stranger.SetAclAsync("/x", Acl.OpenUnsafe));
    }
}
