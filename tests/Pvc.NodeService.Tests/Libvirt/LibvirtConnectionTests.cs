using Pvc.NodeService.Libvirt;
using Pvc.Testing.Pvc;

namespace Pvc.NodeService.Tests.Libvirt;

/// <summary>The P/Invoke layer against libvirt's real test driver (libvirt0 9.0).</summary>
public sealed class LibvirtConnectionTests : IDisposable
{
    private static readonly DomainXmlAdapter TestDriverAdapter = new(new DomainXmlAdapterOptions { DomainTypeOverride = "test" });

    private readonly TestDriverHost host = new();

    public void Dispose() => host.Dispose();

    [Fact]
    public void Host_info_comes_from_the_node_file()
    {
        using LibvirtConnection connection = LibvirtConnection.Open(host.Uri);
        HostInfo info = connection.GetHostInfo();

        Assert.False(string.IsNullOrWhiteSpace(info.Hostname));
        Assert.Equal("x86_64", info.CpuModel);
        Assert.Equal(8, info.Cpus);
        Assert.Equal(2400, info.CpuMhz);
        Assert.Equal(1, info.NumaNodes);
        Assert.Equal(1, info.Sockets);
        Assert.Equal(4, info.CoresPerSocket);
        Assert.Equal(2, info.ThreadsPerCore);
        Assert.Equal(16777216UL, info.MemoryKiB);
        Assert.Equal(16384UL, info.MemoryMiB);
        Assert.Equal(0, connection.Close());
    }

    [Fact]
    public void Lists_every_domain_with_its_state()
    {
        using LibvirtConnection connection = LibvirtConnection.Open(host.Uri);
        IReadOnlyList<DomainSummary> domains = connection.ListDomains().OrderBy(d => d.Name).ToList();

        Assert.Equal(["vm-a", "vm-b", "vm-c"], domains.Select(d => d.Name));
        Assert.Equal([TestDriverHost.VmA, TestDriverHost.VmB, TestDriverHost.VmC], domains.Select(d => d.Uuid));
        Assert.Equal([DomainState.Running, DomainState.Running, DomainState.Shutoff], domains.Select(d => d.State));
        Assert.Equal(0, connection.Close());
    }

    [Fact]
    public void Opens_all_domains_as_handles_the_caller_disposes()
    {
        using LibvirtConnection connection = LibvirtConnection.Open(host.Uri);
        IReadOnlyList<LibvirtDomain> domains = connection.OpenAllDomains();
        Assert.Equal(3, domains.Count);
        foreach (LibvirtDomain domain in domains)
            domain.Dispose();
        Assert.Equal(0, connection.Close());
    }

    [Fact]
    public void Starts_a_pvc_vm_through_the_adapter_and_shuts_it_down()
    {
        Guid uuid = Guid.NewGuid();
        using LibvirtConnection connection = LibvirtConnection.Open(host.Uri);

        using (LibvirtDomain domain = connection.CreateDomain(TestDriverAdapter.Adapt(PvcSeed.Xml(uuid, "web1"))))
        {
            Assert.Equal("web1", domain.Name);
            Assert.Equal(uuid, domain.Uuid);
            Assert.Equal(DomainState.Running, domain.GetState().State);

            DomainInfo info = domain.GetInfo();
            Assert.Equal(DomainState.Running, info.State);
            Assert.Equal(1048576UL, info.MaxMemoryKiB);
            Assert.Equal(1048576UL, info.MemoryKiB);
            Assert.Equal(2, info.VirtualCpus);
            Assert.True(info.CpuTime >= TimeSpan.Zero);

            string xml = domain.GetXml();
            Assert.Contains("<domain type='test'", xml);
            Assert.Contains($"<uuid>{uuid}</uuid>", xml);
            Assert.Contains("vmbr100", xml);
            Assert.Contains("vms/web1_sda", xml);
        }

        Assert.Contains(connection.ListDomains(), d => d.Uuid == uuid && d.State == DomainState.Running);

        using (LibvirtDomain domain = connection.LookupDomain(uuid))
        {
            Assert.Equal("web1", domain.Name);
            domain.Shutdown();
            // A transient domain is gone once it is off: the handle now names nothing.
            LibvirtException gone = Assert.Throws<LibvirtException>(() => domain.GetState());
            Assert.True(gone.IsNoDomain, gone.Message);
        }

        Assert.Null(connection.TryLookupDomain(uuid));
        Assert.DoesNotContain(connection.ListDomains(), d => d.Uuid == uuid);
        Assert.Equal(0, connection.Close());
    }

    [Fact]
    public void The_test_driver_takes_pvc_kvm_xml_unchanged_too()
    {
        Guid uuid = Guid.NewGuid();
        using LibvirtConnection connection = LibvirtConnection.Open(host.Uri);
        using LibvirtDomain domain = connection.CreateDomain(PvcSeed.Xml(uuid, "web2"));

        Assert.Equal(DomainState.Running, domain.GetState().State);
        Assert.Contains("<domain type='kvm'", domain.GetXml());
        domain.Destroy();
    }

    [Fact]
    public void Destroy_stops_a_domain_and_a_second_destroy_is_a_typed_no_domain_error()
    {
        using LibvirtConnection connection = LibvirtConnection.Open(host.Uri);
        using LibvirtDomain domain = connection.CreateDomain(TestDriverAdapter.Adapt(PvcSeed.Xml(Guid.NewGuid(), "web3")));

        domain.Destroy();

        LibvirtException error = Assert.Throws<LibvirtException>(domain.Destroy);
        Assert.Equal(LibvirtErrorCode.NoDomain, error.Code);
        Assert.Equal("virDomainDestroy", error.Operation);
        Assert.NotNull(error.LibvirtMessage);
    }

    [Fact]
    public void Looking_up_an_unknown_domain_is_a_typed_no_domain_error()
    {
        using LibvirtConnection connection = LibvirtConnection.Open(host.Uri);
        Guid unknown = Guid.NewGuid();

        LibvirtException byUuid = Assert.Throws<LibvirtException>(() => connection.LookupDomain(unknown));
        Assert.Equal(LibvirtErrorCode.NoDomain, byUuid.Code);
        Assert.True(byUuid.IsNoDomain);

        LibvirtException byName = Assert.Throws<LibvirtException>(() => connection.LookupDomain("nope"));
        Assert.Equal(LibvirtErrorCode.NoDomain, byName.Code);

        Assert.Null(connection.TryLookupDomain(unknown));
        Assert.Equal(0, connection.Close());
    }

    [Fact]
    public void Creating_a_duplicate_name_is_a_typed_error()
    {
        using LibvirtConnection connection = LibvirtConnection.Open(host.Uri);

        LibvirtException running = Assert.Throws<LibvirtException>(
            () => connection.CreateDomain(TestDriverAdapter.Adapt(PvcSeed.Xml(Guid.NewGuid(), "vm-a"))));
        Assert.Equal("virDomainCreateXML", running.Operation);
        Assert.Equal(LibvirtErrorCode.OperationFailed, running.Code);
        Assert.Contains("vm-a", running.LibvirtMessage);

        using LibvirtDomain first = connection.CreateDomain(TestDriverAdapter.Adapt(PvcSeed.Xml(Guid.NewGuid(), "web4")));
        LibvirtException again = Assert.Throws<LibvirtException>(
            () => connection.CreateDomain(TestDriverAdapter.Adapt(PvcSeed.Xml(first.Uuid, "web4"))));
        Assert.Equal(LibvirtErrorCode.OperationInvalid, again.Code);
        Assert.Contains("already active", again.LibvirtMessage);
    }

    [Fact]
    public void Invalid_xml_is_a_typed_error()
    {
        using LibvirtConnection connection = LibvirtConnection.Open(host.Uri);
        LibvirtException error = Assert.Throws<LibvirtException>(() => connection.CreateDomain("<domain type='test'><name>x"));
        Assert.Equal(LibvirtErrorCode.XmlDetail, error.Code);

        LibvirtException badType = Assert.Throws<LibvirtException>(() => connection.CreateDomain(
            new DomainXmlAdapter(new DomainXmlAdapterOptions { DomainTypeOverride = "bogus" }).Adapt(PvcSeed.Xml(Guid.NewGuid(), "web5"))));
        Assert.Equal(LibvirtErrorCode.ConfigUnsupported, badType.Code);
    }

    [Fact]
    public void Shutting_down_a_domain_that_is_off_is_a_typed_error()
    {
        using LibvirtConnection connection = LibvirtConnection.Open(host.Uri);
        using LibvirtDomain off = connection.LookupDomain(TestDriverHost.VmC);

        Assert.Equal(DomainState.Shutoff, off.GetState().State);
        LibvirtException error = Assert.Throws<LibvirtException>(off.Shutdown);
        // the test driver's own choice of code (the QEMU driver says OperationInvalid)
        Assert.Equal(LibvirtErrorCode.InternalError, error.Code);
        Assert.Contains("not running", error.LibvirtMessage);
    }

    [Fact]
    public void Migration_reports_a_typed_unsupported_error_on_the_test_driver()
    {
        using LibvirtConnection connection = LibvirtConnection.Open(host.Uri);
        using LibvirtDomain domain = connection.CreateDomain(TestDriverAdapter.Adapt(PvcSeed.Xml(Guid.NewGuid(), "web6")));

        // With a maximum downtime, the first call (virDomainMigrateSetMaxDowntime) is not implemented at all.
        LibvirtException downtime = Assert.Throws<LibvirtException>(() => domain.Migrate(
            "test:///default", new MigrationOptions { MaxDowntime = TimeSpan.FromMilliseconds(300) }));
        Assert.Equal(LibvirtErrorCode.NoSupport, downtime.Code);
        Assert.Equal("virDomainMigrateSetMaxDowntime", downtime.Operation);
        Assert.True(downtime.IsUnsupported);

        // Without it, virDomainMigrateToURI refuses peer-to-peer migration.
        LibvirtException migrate = Assert.Throws<LibvirtException>(() => domain.Migrate("test:///default"));
        Assert.Equal(LibvirtErrorCode.ArgumentUnsupported, migrate.Code);
        Assert.Equal("virDomainMigrateToURI", migrate.Operation);
        Assert.True(migrate.IsUnsupported);

        // and so does a direct (non peer-to-peer) one
        LibvirtException direct = Assert.Throws<LibvirtException>(() => domain.Migrate(
            "tcp://127.0.0.1:49152", new MigrationOptions { Flags = MigrationFlags.Live }));
        Assert.True(direct.IsUnsupported, direct.Message);

        Assert.Equal(DomainState.Running, domain.GetState().State);
        domain.Destroy();
    }

    [Fact]
    public void Close_reports_domain_handles_left_alive()
    {
        LibvirtConnection connection = LibvirtConnection.Open(host.Uri);
        LibvirtDomain leaked = connection.LookupDomain(TestDriverHost.VmA);

        Assert.Equal(1, connection.Close());
        Assert.Equal(1, connection.CloseResult);
        Assert.Equal(1, connection.Close()); // idempotent

        // The domain reference keeps libvirt's connection alive and usable until it is freed.
        Assert.Equal(DomainState.Running, leaked.GetState().State);
        leaked.Dispose();
        leaked.Dispose();
    }

    [Fact]
    public void Each_connection_to_a_node_file_starts_from_the_file()
    {
        using LibvirtConnection first = LibvirtConnection.Open(host.Uri);
        using LibvirtConnection second = LibvirtConnection.Open(host.Uri);
        using LibvirtDomain domain = first.CreateDomain(TestDriverAdapter.Adapt(PvcSeed.Xml(Guid.NewGuid(), "web7")));

        Assert.Equal(4, first.ListDomains().Count);
        Assert.Equal(3, second.ListDomains().Count);
    }

    [Fact]
    public void Opening_a_missing_node_file_is_a_typed_error()
    {
        LibvirtException error = Assert.Throws<LibvirtException>(
            () => LibvirtConnection.Open("test:///nonexistent/pvc/node.xml"));
        Assert.Equal("virConnectOpen", error.Operation);
        Assert.NotEqual(LibvirtErrorCode.Ok, error.Code);
        Assert.NotNull(error.LibvirtMessage);
    }

    [Fact]
    public async Task Errors_are_read_on_the_failing_thread()
    {
        using LibvirtConnection connection = LibvirtConnection.Open(host.Uri);
        using LibvirtDomain running = connection.LookupDomain(TestDriverHost.VmA);
        using LibvirtDomain off = connection.LookupDomain(TestDriverHost.VmC);

        // Threads fail in different ways at the same time; each must see its own error, not another thread's.
        (Action Fail, LibvirtErrorCode Code)[] failures =
        [
            (() => connection.LookupDomain(Guid.NewGuid()).Dispose(), LibvirtErrorCode.NoDomain),
            (() => connection.CreateDomain("<domain").Dispose(), LibvirtErrorCode.XmlDetail),
            (() => running.Migrate("test:///default", new MigrationOptions { MaxDowntime = TimeSpan.FromMilliseconds(1) }), LibvirtErrorCode.NoSupport),
            (off.Shutdown, LibvirtErrorCode.InternalError),
        ];
        Task[] workers = Enumerable.Range(0, 16).Select(i => Task.Run(() =>
        {
            (Action fail, LibvirtErrorCode code) = failures[i % failures.Length];
            for (int round = 0; round < 100; round++)
                Assert.Equal(code, Assert.Throws<LibvirtException>(fail).Code);
        })).ToArray();

        await Task.WhenAll(workers);
    }
}
