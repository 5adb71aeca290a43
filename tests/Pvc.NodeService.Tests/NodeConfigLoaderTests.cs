using Pvc.NodeService.Configuration;

namespace Pvc.NodeService.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NodeConfigLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pvc-conf-").FullName;

    private string Write(string yaml)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public void Reads_PVCs_layout_with_PVCs_defaults()
    {
        var config = NodeConfigLoader.Load(Write("""
            cluster:
              name: cluster1
              coordinator_nodes: [hv1, hv2, hv3]
            node:
              name: hv2
            """));
        Assert.Equal(("cluster1", "hv2", true), (config.ClusterName, config.NodeName, config.IsCoordinator));
        Assert.Equal("hv1:2181,hv2:2181,hv3:2181", config.ZooKeeper);
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(180), "mem", 1), (config.KeepaliveInterval, config.VmShutdownTimeout, config.MigrationTargetSelector, config.FlushConcurrency));
        Assert.Equal("qemu:///system", config.LibvirtUri);
        Assert.Equal(TimeSpan.FromSeconds(30), config.MigrationPeerTimeout);
        Assert.Equal("/run/pvc", config.RunDirectory);
        // the upload scratch directory: on disk under the node's state directory, not /tmp (a tmpfs on many nodes)
        Assert.Equal("/var/lib/pvc/upload", config.UploadDirectory);
        Assert.Equal("/srv/scratch", NodeConfigLoader.Load(Write("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nnode:\n  upload_directory: /srv/scratch\n")).UploadDirectory);
    }

    [Fact]
    public void Reads_the_network_devices_and_MTUs_and_refuses_a_device_that_is_no_interface_name()
    {
        var plain = NodeConfigLoader.Load(Write("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nnode:\n  name: hv1\n"));
        Assert.False(plain.Networks.Enabled); // no cluster device: the node builds no networks
        var config = NodeConfigLoader.Load(Write("""
            cluster:
              name: c
              coordinator_nodes: [hv1]
              networks:
                cluster:
                  device: ens4
                  mtu: 9000
            guest_networking:
              bridge_device: ens5
            node:
              name: hv1
            """));
        Assert.Equal(("ens4", 9000, "ens5", 1500, true), (config.Networks.ClusterDevice, config.Networks.ClusterMtu, config.Networks.BridgeDevice, config.Networks.BridgeMtu, config.Networks.Enabled));
        var e = Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(Write("cluster:\n  name: c\n  coordinator_nodes: [hv1]\n  networks:\n    cluster:\n      device: 'eth0 type dummy'\nnode:\n  name: hv1\n")));
        Assert.Contains("cluster.networks.cluster.device", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_the_floating_addresses_in_PVCs_takeover_order_and_refuses_one_without_its_netmask_or_device()
    {
        var config = NodeConfigLoader.Load(Write("""
            cluster:
              name: c
              coordinator_nodes: [hv1]
              networks:
                storage:
                  device: ens6
                  ipv4: { netmask: 24, floating_address: 10.0.2.250 }
                cluster:
                  device: ens5
                  ipv4: { netmask: 16, floating_address: 10.1.0.250 }
                upstream:
                  device: ens4
                  ipv4: { netmask: 24, floating_address: 10.0.0.250, gateway_address: 10.0.0.1 }
            node:
              name: hv1
            """));
        Assert.Equal(["upstream ens4 10.0.0.250/24", "cluster ens5 10.1.0.250/16", "storage ens6 10.0.2.250/24"],
            config.Networks.FloatingAddresses.Select(f => $"{f.Network} {f.Device} {f.Cidr}"));

        foreach (var (yaml, named) in new[]
        {
            ("upstream:\n      device: ens4\n      ipv4: { floating_address: 10.0.0.250 }", "cluster.networks.upstream.ipv4.netmask"),
            ("upstream:\n      ipv4: { netmask: 24, floating_address: 10.0.0.250 }", "cluster.networks.upstream.device"),
            ("cluster:\n      device: ens5\n      ipv4: { netmask: 24, floating_address: 'fe80::1' }", "cluster.networks.cluster.ipv4.floating_address"),
        })
        {
            var e = Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(Write($"cluster:\n  name: c\n  coordinator_nodes: [hv1]\n  networks:\n    {yaml}\nnode:\n  name: hv1\n")));
            Assert.Contains(named, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_IPMI_password_never_shows_in_the_configuration_text()
    {
        var config = NodeConfigLoader.Load(Write("""
            cluster:
              name: c
              coordinator_nodes: [hv1]
            fencing:
              ipmi:
                hostname: hv1-lom
                username: admin
                password: "s3cret-ipmi"
            """));
        Assert.Equal("s3cret-ipmi", config.IpmiPassword);
        Assert.DoesNotContain("s3cret-ipmi", config.ToString(), StringComparison.Ordinal);
        Assert.Contains("hv1-lom", config.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Fencing_takes_PVCs_defaults_and_both_spellings_of_suicide_intervals()
    {
        var defaults = NodeConfigLoader.Load(Write("cluster:\n  name: c\n  coordinator_nodes: [hv1]\n")).Fencing;
        Assert.Equal((6, 6, 0, FenceAction.Migrate, FenceAction.None, 3),
            (defaults.FenceIntervals, defaults.SavingThrows, defaults.SuicideIntervals, defaults.SuccessfulFence, defaults.FailedFence, defaults.IpmiCipherSuite));
        Assert.Null(NodeConfigLoader.Load(Write("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nfencing:\n  ipmi:\n    cipher_suite: auto\n")).Fencing.IpmiCipherSuite);
        Assert.Equal(17, NodeConfigLoader.Load(Write("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nfencing:\n  ipmi:\n    cipher_suite: 17\n")).Fencing.IpmiCipherSuite);
        // PVC's parser reads "suicide_interval" (so its documented key never takes effect); both are read here
        foreach (var key in new[] { "suicide_intervals", "suicide_interval" })
        {
            var fencing = NodeConfigLoader.Load(Write($"cluster:\n  name: c\n  coordinator_nodes: [hv1]\nfencing:\n  intervals:\n    fence_intervals: 3\n    saving_throws: 2\n    {key}: 4\n  actions:\n    successful_fence: none\n    failed_fence: migrate\n")).Fencing;
            Assert.Equal((3, 2, 4, FenceAction.None, FenceAction.Migrate),
                (fencing.FenceIntervals, fencing.SavingThrows, fencing.SuicideIntervals, fencing.SuccessfulFence, fencing.FailedFence));
        }
    }

    [Theory]
    [InlineData("cluster:\n  coordinator_nodes: [hv1]\n", "cluster.name")]
    [InlineData("cluster:\n  name: c\n  coordinator_nodes: [hv1]\ntimer:\n  keepalive_interval: soon\n", "timer.keepalive_interval")]
    [InlineData("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nmigration:\n  target_selector: random\n", "migration.target_selector")]
    [InlineData("cluster:\n  name: c\n", "cluster.coordinator_nodes")]
    [InlineData("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nnode:\n  flush_on_stop: maybe\n", "node.flush_on_stop")]
    [InlineData("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nnode:\n  migration_peer_timeout: 0\n", "node.migration_peer_timeout")]
    [InlineData("cluster: [unclosed\n", "not valid YAML")]
    [InlineData("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nnode:\n  run_directory: run/pvc\n", "node.run_directory")]
    [InlineData("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nnode:\n  upload_directory: scratch\n", "node.upload_directory")]
    [InlineData("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nfencing:\n  actions:\n    failed_fence: reboot\n", "fencing.actions.failed_fence")]
    [InlineData("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nfencing:\n  intervals:\n    fence_intervals: 0\n", "fencing.intervals.fence_intervals")]
    [InlineData("cluster:\n  name: c\n  coordinator_nodes: [hv1]\nfencing:\n  ipmi:\n    cipher_suite: 18\n", "fencing.ipmi.cipher_suite")]
    public void A_bad_file_is_refused_naming_the_key(string yaml, string named)
    {
        var e = Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(Write(yaml)));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    private string WritePrivate(string yaml)
    {
        var path = Write("");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(path, yaml);
        return path;
    }

    private const string WithZooKeeperCredential = """
        cluster:
          name: c
          coordinator_nodes: [hv1]
        database:
          zookeeper:
            port: 2181
            username: pvcnode
            password: "zk-s3cret"
        """;

    [Fact]
    public void Reads_the_ZooKeeper_member_credential_and_never_shows_its_password()
    {
        var config = NodeConfigLoader.Load(WritePrivate(WithZooKeeperCredential));
        Assert.Equal(("pvcnode", "zk-s3cret"), (config.ZooKeeperUser, config.ZooKeeperPassword));
        Assert.DoesNotContain("zk-s3cret", config.ToString(), StringComparison.Ordinal);
        Assert.Contains("pvcnode", config.ToString(), StringComparison.Ordinal);
        Assert.Null(config.ZooKeeperTls);
    }

    [Fact]
    public void A_file_with_the_ZooKeeper_password_that_others_may_read_is_refused()
    {
        var path = Write(WithZooKeeperCredential);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var e = Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(path));
        Assert.Contains("chmod 600", e.Message, StringComparison.Ordinal);
        Assert.Contains("0644", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("zk-s3cret", e.Message, StringComparison.Ordinal);
        // without a ZooKeeper password the mode is the operator's business, as with PVC's own file
        NodeConfigLoader.Load(Write("cluster:\n  name: c\n  coordinator_nodes: [hv1]\n"));
    }

    [Theory]
    [InlineData("    username: pvcnode\n")]
    [InlineData("    password: pw\n")]
    [InlineData("    username: \"a:b\"\n    password: pw\n")]
    [InlineData("    username: pvcnode\n    password: \"\"\n")]
    public void A_half_or_malformed_ZooKeeper_credential_is_refused(string lines)
    {
        var e = Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(WritePrivate($"cluster:\n  name: c\n  coordinator_nodes: [hv1]\ndatabase:\n  zookeeper:\n{lines}")));
        Assert.Contains("database.zookeeper.username", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_the_TLS_settings_and_checks_their_files()
    {
        using var pki = Pvc.Testing.ZooKeeper.TestPki.Create();
        var (authority, certificate, key) = pki.WriteClientFiles(_dir);
        var yaml = $"""
            cluster:
              name: c
              coordinator_nodes: [hv1]
            database:
              zookeeper:
                tls:
                  ca_file: {authority}
                  certificate_file: {certificate}
                  key_file: {key}
                  server_name: zk.cluster.example
            """;
        var tls = NodeConfigLoader.Load(Write(yaml)).ZooKeeperTls;
        Assert.Equal(new ZooKeeperTlsSettings { CaFile = authority, CertificateFile = certificate, KeyFile = key, ServerName = "zk.cluster.example" }, tls);

        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        Assert.Contains("key_file", Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(Write(yaml))).Message, StringComparison.Ordinal);
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(authority, "not a certificate");
        Assert.Contains("database.zookeeper.tls", Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(Write(yaml))).Message, StringComparison.Ordinal);
        Assert.Contains("ca_file", Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(Write(
            "cluster:\n  name: c\n  coordinator_nodes: [hv1]\ndatabase:\n  zookeeper:\n    tls:\n      key_file: x\n"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_refused_naming_it()
    {
        var e = Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(Path.Combine(_dir, "none.conf")));
        Assert.Contains("none.conf", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ceph_is_used_only_when_the_file_has_a_ceph_section_and_storage_is_enabled()
    {
        const string head = "cluster:\n  name: c\n  coordinator_nodes: [hv1, hv2]\n";
        Assert.Null(NodeConfigLoader.Load(Write(head)).Ceph);
        File.WriteAllText(Path.Combine(_dir, "ceph.conf"), "[global]\n");
        var ceph = NodeConfigLoader.Load(Write(head + $"path:\n  ceph_directory: {_dir}\nceph:\n  secret_uuid: 8f3b8a2e-1c6d-4f7e-9a0b-2c3d4e5f6a7b\n")).Ceph;
        Assert.NotNull(ceph);
        // PVC's defaults: the file names inside path.ceph_directory, the admin client, monitors on the coordinators
        Assert.Equal((Path.Combine(_dir, "ceph.conf"), Path.Combine(_dir, "ceph.client.admin.keyring"), "client.admin", 6789),
            (ceph.ConfigFile, ceph.KeyringFile, ceph.ClientName, ceph.MonitorPort));
        Assert.Equal(["hv1", "hv2"], ceph.MonitorHosts);
        Assert.Equal(Guid.Parse("8f3b8a2e-1c6d-4f7e-9a0b-2c3d4e5f6a7b"), ceph.SecretUuid);
        Assert.Null(NodeConfigLoader.Load(Write(head + $"subsystem:\n  enable_storage: false\npath:\n  ceph_directory: {_dir}\nceph:\n  monitor_port: 6789\n")).Ceph);
    }

    [Fact]
    public void A_ceph_section_whose_files_are_not_there_or_whose_values_are_bad_is_refused_naming_the_key()
    {
        const string head = "cluster:\n  name: c\n  coordinator_nodes: [hv1]\n";
        var missing = Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(Write(head + $"path:\n  ceph_directory: {_dir}/nowhere\nceph:\n  ceph_config_file: ceph.conf\n")));
        Assert.Contains("ceph_config_file", missing.Message, StringComparison.Ordinal);
        Assert.Contains("enable_storage: false", missing.Message, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_dir, "ceph.conf"), "[global]\n");
        Assert.Contains("ceph.secret_uuid", Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(Write(head + $"path:\n  ceph_directory: {_dir}\nceph:\n  secret_uuid: nope\n"))).Message, StringComparison.Ordinal);
        Assert.Contains("ceph.monitor_hosts", Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(Write(head + $"path:\n  ceph_directory: {_dir}\nceph:\n  monitor_hosts: [\"-o x\"]\n"))).Message, StringComparison.Ordinal);
        Assert.Contains("subsystem.enable_storage", Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(Write(head + "subsystem:\n  enable_storage: maybe\n"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_metrics_endpoint_is_off_by_default_and_a_bad_address_or_port_is_refused_naming_the_key()
    {
        const string head = "cluster:\n  name: c\n  coordinator_nodes: [hv1]\n";
        Assert.Null(NodeConfigLoader.Load(Write(head)).MetricsListen);
        Assert.Equal(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 7372), NodeConfigLoader.Load(Write(head + "subsystem:\n  enable_prometheus: true\n")).MetricsListen);
        Assert.Equal(new System.Net.IPEndPoint(System.Net.IPAddress.Any, 9100),
            NodeConfigLoader.Load(Write(head + "subsystem:\n  enable_prometheus: true\nmetrics:\n  listen_address: 0.0.0.0\n  listen_port: 9100\n")).MetricsListen);
        Assert.Contains("metrics.listen_address", Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(Write(head + "subsystem:\n  enable_prometheus: true\nmetrics:\n  listen_address: nope\n"))).Message, StringComparison.Ordinal);
        Assert.Contains("metrics.listen_port", Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(Write(head + "subsystem:\n  enable_prometheus: true\nmetrics:\n  listen_port: 70000\n"))).Message, StringComparison.Ordinal);
        Assert.Contains("subsystem.enable_prometheus", Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(Write(head + "subsystem:\n  enable_prometheus: maybe\n"))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("file:///etc/ceph/ceph.client.admin.keyring")]
    [InlineData("http://user:secret@10.0.0.1:9283/metrics")]
    [InlineData("ftp://10.0.0.1/metrics")]
    [InlineData("10.0.0.1:9283")]
    [InlineData("http://10.0.0.1:9283/metrics?x=1")]
    public void The_ceph_metrics_address_is_the_managers_by_default_and_anything_but_an_http_page_of_a_host_is_refused(string bad)
    {
        const string head = "cluster:\n  name: c\n  coordinator_nodes: [hv1]\nsubsystem:\n  enable_prometheus: true\n";
        Assert.Null(NodeConfigLoader.Load(Write(head)).MetricsCephUrl);
        Assert.Equal(new Uri("http://10.0.0.1:9283/metrics"), NodeConfigLoader.Load(Write(head + "metrics:\n  ceph_url: http://10.0.0.1:9283/metrics\n")).MetricsCephUrl);
        Assert.Contains("metrics.ceph_url", Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(Write(head + $"metrics:\n  ceph_url: \"{bad}\"\n"))).Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
