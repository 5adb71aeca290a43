using System.Text;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Schema;
using Pvc.Core.Security;
using Pvc.Testing.Lab;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.NodeService.Tests.Cluster;

/// <summary>A real node service on a closed cluster (with the member credential from pvc.conf) and on an open one.</summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class ClusterAccessNodeTests(ZooKeeperFixture zk) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly ClusterCredential Admin = new("admin", "adm1n-pw");
    private static readonly ClusterCredential Member = new("pvcnode", "m3mber-pw");
    private const string BmcPassword = "bmc-s3cret";
    private readonly string _dir = Directory.CreateTempSubdirectory("pvc-access-").FullName;

    private NodeServiceProcess StartNode(string chroot, ClusterCredential? credential)
    {
        var extra = $"""
            fencing:
              ipmi:
                hostname: hv1-lom
                username: admin
                password: "{BmcPassword}"
            """;
        if (credential is not null)
            extra += $"""

                database:
                  zookeeper:
                    username: {credential.User}
                    password: "{credential.Password}"
                """;
        var config = LabNode.Write(_dir, "hv1", ["hv1"], chroot, extra);
        var node = new NodeServiceProcess(Path.Combine(AppContext.BaseDirectory, "pvcnoded"), "hv1", config, Path.Combine(_dir, "hv1.log"));
        node.Start();
        return node;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, NodeServiceProcess node, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > until || node.HasExited)
                throw new TimeoutException($"waiting for {what}\n{node.Log()}");
            await Task.Delay(100);
        }
    }

    private static string LogText(NodeServiceProcess node) => File.Exists(node.LogPath) ? File.ReadAllText(node.LogPath) : "";

    [Fact]
    public async Task A_node_service_with_the_member_credential_joins_a_closed_cluster_and_its_ipmi_password_stays_closed()
    {
        var chroot = await zk.NewChrootAsync("closed");
        await using var admin = await ClusterConnection.ConnectAsync(new() { Servers = [chroot], User = Admin.User, Password = Admin.Password });
        await ClusterInitializer.InitializeAsync(admin, new ClusterInitOptions { Name = "lab", GrantedCredentials = [Member] });
        using var node = StartNode(chroot, Member);

        var daemonState = NodeKeys.Path("hv1", NodeKeys.DaemonState);
        await WaitForAsync(async () => await admin.ZooKeeper.ExistsAsync(daemonState) is not null &&
            Encoding.UTF8.GetString((await admin.ZooKeeper.GetDataAsync(daemonState)).Data) == "run", node, "hv1 run");

        var ipmiPassword = NodeKeys.Path("hv1", NodeKeys.IpmiPassword);
        Assert.Equal([Admin.AclEntry, Member.AclEntry], (await admin.ZooKeeper.GetAclAsync(ipmiPassword)).Acl);
        Assert.Equal([Admin.AclEntry, Member.AclEntry], (await admin.ZooKeeper.GetAclAsync(NodeKeys.Path("hv1", NodeKeys.Keepalive))).Acl);
        Assert.Equal(BmcPassword, Encoding.UTF8.GetString((await admin.ZooKeeper.GetDataAsync(ipmiPassword)).Data));
        await using var anonymous = await ZooKeeperClient.ConnectAsync(chroot);
        await Assert.ThrowsAsync<NoAuthException>(() => anonymous.GetDataAsync(ipmiPassword));

        node.Stop();
        var log = LogText(node);
        Assert.DoesNotContain(BmcPassword, log, StringComparison.Ordinal);
        Assert.DoesNotContain(Member.Password, log, StringComparison.Ordinal);
        Assert.DoesNotContain("PVC-compatible", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_service_without_the_credential_is_refused_by_a_closed_cluster_and_says_why()
    {
        var chroot = await zk.NewChrootAsync("closed");
        await using var admin = await ClusterConnection.ConnectAsync(new() { Servers = [chroot], User = Admin.User, Password = Admin.Password });
        await ClusterInitializer.InitializeAsync(admin, new ClusterInitOptions { Name = "lab", GrantedCredentials = [Member] });
        using var node = StartNode(chroot, new ClusterCredential(Member.User, "wrong-pw"));

        await WaitForAsync(() => Task.FromResult(LogText(node).Contains("Not authorised for /", StringComparison.Ordinal)), node, "the refusal in the log");
        Assert.Null(await admin.ZooKeeper.ExistsAsync(NodeKeys.Path("hv1", NodeKeys.DaemonState)));
        Assert.DoesNotContain("wrong-pw", LogText(node), StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_an_open_cluster_the_node_service_warns_that_its_ipmi_password_is_readable_without_logging_it()
    {
        var chroot = await zk.NewChrootAsync("open");
        await using (var setup = await ClusterConnection.ConnectAsync(new() { Servers = [chroot] }))
            await ClusterInitializer.InitializeAsync(setup, new ClusterInitOptions { Name = "lab", Access = ClusterAccessMode.Open });
        using var node = StartNode(chroot, null);

        await WaitForAsync(() => Task.FromResult(LogText(node).Contains("/nodes/hv1/ipmipassword", StringComparison.Ordinal)), node, "the open-mode warning");
        var warning = LogText(node).Split('\n').Single(l => l.Contains("/nodes/hv1/ipmipassword", StringComparison.Ordinal));
        Assert.Contains("warn", warning, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("open (PVC-compatible mode)", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(BmcPassword, LogText(node), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
