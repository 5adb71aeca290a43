using System.Text;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Security;
using Pvc.Testing.Pvc;
using Pvc.Testing.Python;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;
using Pvc.ZooKeeper.Recipes;

namespace Pvc.Core.Tests;

/// <summary>Closed clusters (digest ACLs on every znode) and the PVC-compatible open mode.</summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class ClusterAccessTests(ZooKeeperFixture zk)
{
    private static readonly ClusterCredential Admin = new("admin", "adm1n-pw");
    private static readonly ClusterCredential Member = new("pvcnode", "m3mber-pw");
    private static readonly IReadOnlyList<Acl> Expected = [Admin.AclEntry, Member.AclEntry];

    private static Task<ClusterConnection> ConnectAsync(string chroot, ClusterCredential? user = null) =>
        ClusterConnection.ConnectAsync(new() { Servers = [chroot], User = user?.User, Password = user?.Password });

    /// <summary>A closed cluster initialised by <see cref="Admin"/>, granting <see cref="Member"/>.</summary>
    private async Task<string> ClosedClusterAsync()
    {
        var chroot = await zk.NewChrootAsync();
        await using var admin = await ConnectAsync(chroot, Admin);
        await ClusterInitializer.InitializeAsync(admin, new ClusterInitOptions { Name = "lab", GrantedCredentials = [Member] });
        Assert.Equal(ClusterAccessMode.Closed, admin.AccessMode);
        Assert.Equal(Expected, admin.ZooKeeper.DefaultAcl);
        return chroot;
    }

    [Fact]
    public async Task A_closed_cluster_refuses_an_unauthenticated_client_and_a_wrong_password()
    {
        var chroot = await ClosedClusterAsync();

        await using (var admin = await ConnectAsync(chroot, Admin))
            foreach (var path in new[] { "/", "/config", "/schema/version", "/nodes", "/logs", "/config/fence_lock" })
                Assert.Equal(Expected, (await admin.ZooKeeper.GetAclAsync(path)).Acl);

        await Assert.ThrowsAsync<NoAuthException>(() => ConnectAsync(chroot));
        await Assert.ThrowsAsync<NoAuthException>(() => ConnectAsync(chroot, new ClusterCredential("pvcnode", "guessed")));
        await using var anonymous = await ZooKeeperClient.ConnectAsync(chroot);
        await Assert.ThrowsAsync<NoAuthException>(() => anonymous.GetDataAsync("/config"));
        await Assert.ThrowsAsync<NoAuthException>(() => anonymous.GetChildrenAsync("/"));
        await Assert.ThrowsAsync<NoAuthException>(() => anonymous.SetDataAsync("/config/maintenance", "true"u8.ToArray()));
        // the chroot's znode is closed too: nothing can be added beside the cluster, nor an empty top-level znode deleted
        await Assert.ThrowsAsync<NoAuthException>(() => anonymous.CreateAsync("/intruder", ReadOnlyMemory<byte>.Empty));
        await Assert.ThrowsAsync<NoAuthException>(() => anonymous.DeleteAsync("/logs"));
    }

    [Fact]
    public async Task A_member_works_and_what_it_creates_carries_the_clusters_acl_so_the_ipmi_password_stays_closed()
    {
        var chroot = await ClosedClusterAsync();
        await using var member = await ConnectAsync(chroot, Member);
        Assert.Equal(ClusterAccessMode.Closed, member.AccessMode);
        Assert.Equal("lab", member.Name);
        Assert.Equal("pvcnode", member.User);

        // as a node service registers: one transaction of creates that name no ACL
        await member.ZooKeeper.MultiAsync([
            Op.Create("/nodes/hv1", "hv1"u8.ToArray()),
            Op.Create("/nodes/hv1/ipmipassword", "bmc-s3cret"u8.ToArray()),
        ]);
        await using (var held = new ZooKeeperLock(member.ZooKeeper, "/config/fence_lock", LockKind.Exclusive, "hv1"))
        {
            await held.AcquireAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(Expected, (await member.ZooKeeper.GetAclAsync(held.NodePath!)).Acl);
        }
        Assert.Equal(Expected, (await member.ZooKeeper.GetAclAsync("/nodes/hv1/ipmipassword")).Acl);

        await using var anonymous = await ZooKeeperClient.ConnectAsync(chroot);
        await Assert.ThrowsAsync<NoAuthException>(() => anonymous.GetDataAsync("/nodes/hv1/ipmipassword"));
        await using var admin = await ConnectAsync(chroot, Admin);
        Assert.Equal("bmc-s3cret", Encoding.UTF8.GetString((await admin.ZooKeeper.GetDataAsync("/nodes/hv1/ipmipassword")).Data));
    }

    [Fact]
    public async Task Kazoo_with_the_same_digest_credentials_reads_a_closed_cluster_and_without_them_is_refused()
    {
        var chroot = await ClosedClusterAsync();
        // the credential comes on standard input, never on a command line
        await using var kazoo = Kazoo.Start("""
            import sys
            from kazoo.client import KazooClient
            from kazoo.exceptions import NoAuthError
            credential = sys.stdin.readline().strip()
            anonymous = KazooClient(hosts=sys.argv[1])
            anonymous.start(timeout=20)
            try:
                anonymous.get("/config")
                print("anonymous read it")
            except NoAuthError:
                print("anonymous refused")
            anonymous.stop()
            member = KazooClient(hosts=sys.argv[1], auth_data=[("digest", credential)])
            member.start(timeout=20)
            print(member.get("/config")[0].decode())
            print(member.get("/schema/version")[0].decode())
            member.create("/nodes/kazoo", b"written by kazoo")
            member.stop()
            """, chroot);
        await kazoo.WriteLineAsync($"{Member.User}:{Member.Password}");
        var output = await kazoo.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(["anonymous refused", "lab", "15"], output.TrimEnd().Split('\n'));
        // kazoo's create names its own ACL (open by default): Pvc does not choose for other clients
        await using var admin = await ConnectAsync(chroot, Admin);
        Assert.Equal("written by kazoo", Encoding.UTF8.GetString((await admin.ZooKeeper.GetDataAsync("/nodes/kazoo")).Data));
    }

    [Fact]
    public async Task An_open_cluster_is_PVCs_open_to_anyone()
    {
        var chroot = await zk.NewChrootAsync();
        await using (var connection = await ConnectAsync(chroot, Admin))
        {
            await ClusterInitializer.InitializeAsync(connection, new ClusterInitOptions { Name = "lab", Access = ClusterAccessMode.Open });
            Assert.Equal(ClusterAccessMode.Open, connection.AccessMode);
            Assert.Equal(Acl.OpenUnsafe, (await connection.ZooKeeper.GetAclAsync("/config")).Acl);
        }
        await using var anonymous = await ConnectAsync(chroot);
        Assert.Equal(ClusterAccessMode.Open, anonymous.AccessMode);
        Assert.Equal("lab", anonymous.Name);
        await anonymous.ZooKeeper.CreateAsync("/nodes/hv1", ReadOnlyMemory<byte>.Empty);
        Assert.Equal(Acl.OpenUnsafe, (await anonymous.ZooKeeper.GetAclAsync("/nodes/hv1")).Acl);
    }

    [Fact]
    public async Task Replacing_a_closed_cluster_with_an_open_one_opens_its_chroot_again()
    {
        var chroot = await ClosedClusterAsync();
        await using (var admin = await ConnectAsync(chroot, Admin))
        {
            await ClusterInitializer.InitializeAsync(admin, new ClusterInitOptions { Name = "lab2", Access = ClusterAccessMode.Open, Overwrite = true });
            Assert.Equal(Acl.OpenUnsafe, admin.ZooKeeper.DefaultAcl);
        }
        await using var anonymous = await ConnectAsync(chroot);
        Assert.Equal("lab2", anonymous.Name);
        Assert.Equal(Acl.OpenUnsafe, (await anonymous.ZooKeeper.GetAclAsync("/")).Acl);
        await anonymous.ZooKeeper.CreateAsync("/pvc-tool-key", ReadOnlyMemory<byte>.Empty);
    }

    [Fact]
    public async Task A_closed_cluster_needs_a_connection_with_credentials_and_nothing_is_written_without()
    {
        var chroot = await zk.NewChrootAsync();
        await using var anonymous = await ConnectAsync(chroot);
        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () =>
            ClusterInitializer.InitializeAsync(anonymous, new ClusterInitOptions { Name = "lab" }));
        Assert.Equal("CredentialRequired", e.ErrorId);
        Assert.Empty((await anonymous.ZooKeeper.GetChildrenAsync("/")).Children);
        Assert.Null(anonymous.AccessMode);
    }

    [Fact]
    public void Credentials_are_checked_and_never_shown()
    {
        Assert.Equal("InvalidCredential", PvcAssert.Throws(PvcErrorKind.InvalidArgument, () => new ClusterCredential("a:b", "pw")).ErrorId);
        Assert.Equal("InvalidCredential", PvcAssert.Throws(PvcErrorKind.InvalidArgument, () => new ClusterCredential("", "pw")).ErrorId);
        Assert.Equal("InvalidCredential", PvcAssert.Throws(PvcErrorKind.InvalidArgument, () => new ClusterCredential("a", "")).ErrorId);
        Assert.DoesNotContain(Member.Password, Member.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Member.Password, new ClusterInitOptions { Name = "x", GrantedCredentials = [Member] }.ToString(), StringComparison.Ordinal);
        // ZooKeeper's DigestAuthenticationProvider.generateDigest("pvcnode:m3mber-pw"): base64(sha1(...))
        var hash = Convert.ToBase64String(System.Security.Cryptography.SHA1.HashData("pvcnode:m3mber-pw"u8));
        Assert.Equal(new Acl(Permissions.All, "digest", $"pvcnode:{hash}"), Member.AclEntry);
    }
}
