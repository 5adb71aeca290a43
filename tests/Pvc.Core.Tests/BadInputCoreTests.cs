using Pvc.Core.Errors;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.Core.Tests;

/// <summary>Rows of docs/bad-input.md that Core answers for every caller (the cmdlets and the node service alike).</summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class BadInputCoreTests(ZooKeeperFixture zk)
{
    [Theory]
    [InlineData(-5.0)]
    [InlineData(1e10)]
    public async Task Waits_refuse_a_timeout_out_of_range_with_a_typed_error(double seconds)
    {
        await using var c = await TestCluster.StartAsync(zk);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1");
        var vm = new VmRef(uuid, "web1");
        var timeout = TimeSpan.FromSeconds(seconds);
        var vms = new VmOperations(c.Connection);
        var nodes = new NodeOperations(c.Connection);
        foreach (var wait in new Func<Task>[]
        {
            () => vms.WaitSettledAsync(vm, timeout),
            () => vms.WaitRunningAsync(vm, timeout),
            () => vms.WaitStoppedAsync(vm, timeout),
            () => nodes.WaitFlushedAsync("hv1", timeout),
            () => nodes.WaitForDomainStateAsync("hv1", [NodeDomainState.Flushed], timeout),
        })
        {
            var e = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, wait);
            Assert.Equal("InvalidTimeout", e.ErrorId);
        }
    }

    [Theory]
    [InlineData("<domain type=\"kvm\"><uuid>{0}</uuid><memory unit=\"MiB\">512</memory><vcpu>1</vcpu></domain>")]
    [InlineData("<domain type=\"kvm\"><name>old1</name><uuid>{0}</uuid>")]
    public async Task Rename_over_stored_XML_it_cannot_read_is_a_data_error_and_writes_nothing(string storedXml)
    {
        await using var c = await TestCluster.StartAsync(zk);
        var uuid = Guid.NewGuid();
        await PvcSeed.AddVmAsync(c.Raw, "old1", "hv1", state: "stop", uuid: uuid, xml: string.Format(System.Globalization.CultureInfo.InvariantCulture, storedXml, uuid));
        var before = await PvcSeed.DumpAsync(c.Raw);
        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidData, () => new VmOperations(c.Connection).RenameAsync(new VmRef(uuid, "old1"), "new1"));
        Assert.Equal(("VmXmlInvalid", "old1"), (e.ErrorId, e.Target));
        Assert.Equal(before, await PvcSeed.DumpAsync(c.Raw));
    }

    [Fact]
    public async Task Metadata_and_XML_are_one_change_all_or_nothing()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1");
        var vm = new VmRef(uuid, "web1");
        var ops = new VmOperations(c.Connection);
        var before = await PvcSeed.DumpAsync(c.Raw);
        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => ops.ModifyAsync(vm, new VmMetadataChange { Autostart = true }, PvcSeed.Xml(Guid.NewGuid(), "web1")));
        Assert.Equal("UuidMismatch", e.ErrorId);
        Assert.Equal(before, await PvcSeed.DumpAsync(c.Raw));

        await ops.ModifyAsync(vm, new VmMetadataChange { Autostart = true, NodeLimit = ["hv1", "hv2"] }, PvcSeed.Xml(uuid, "web1", memoryMiB: 2048), restart: true);
        Assert.Equal(("True", "hv1,hv2", "restart"), (await c.ReadAsync($"/domains/{uuid}/node_autostart"), await c.ReadAsync($"/domains/{uuid}/node_limit"), await c.ReadAsync($"/domains/{uuid}/state")));
        Assert.Contains("2048", await c.ReadAsync($"/domains/{uuid}/xml"), StringComparison.Ordinal);
        Assert.Equal("NoChange", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => ops.ModifyAsync(vm, null, null))).ErrorId);
    }

    [Theory]
    [InlineData("\U0001F642")]
    [InlineData("\uE000")]
    [InlineData("\uFFF5")]
    public async Task A_tag_ZooKeeper_cannot_name_is_bad_input_not_a_client_error(string tag)
    {
        await using var c = await TestCluster.StartAsync(zk);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1");
        var ops = new VmOperations(c.Connection);
        foreach (var change in new Func<Task>[]
        {
            () => ops.AddTagAsync(new VmRef(uuid, "web1"), tag),
            () => ops.RemoveTagAsync(new VmRef(uuid, "web1"), tag),
            () => ops.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), "web2"), Tags = [(tag, false)] }),
        })
            Assert.Equal("InvalidTag", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, change)).ErrorId);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("hv1/..")]
    [InlineData("hv1\u0001")]
    public async Task A_node_name_that_cannot_be_a_node_is_bad_input_not_a_client_error(string name)
    {
        await using var c = await TestCluster.StartAsync(zk);
        var nodes = new NodeOperations(c.Connection);
        foreach (var call in new Func<Task>[]
        {
            () => nodes.GetAsync(name), () => nodes.FlushAsync(name), () => nodes.ReadyAsync(name), () => c.Connection.Vms.PlanFlushAsync(name),
            () => nodes.GetLogAsync(name), () => nodes.SetPrimaryAsync(name), () => nodes.SetSecondaryAsync(name),
            () => nodes.WaitForDomainStateAsync(name, [NodeDomainState.Ready], TimeSpan.FromSeconds(1)),
        })
        {
            var e = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, call);
            Assert.Equal(("InvalidNodeName", name), (e.ErrorId, e.Target));
        }
    }
}
