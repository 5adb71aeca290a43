using System.Management.Automation;
using Pvc.Core.Schema;

namespace Pvc.PowerShell.Tests.BadInput;

/// <summary>
/// docs/bad-input.md, through the hosted engine: every bad input is one ErrorRecord with its category and ErrorId, no
/// output, and the cluster's znodes unchanged (data and versions). Each row of the table names its test here.
/// </summary>
[Collection(BadInputCollection.Name)]
public sealed class BadInputTests(BadInputCluster c)
{
    private const string New = "Pvc.PowerShell.Cmdlets.NewPvcVmCommand";
    private const string Set = "Pvc.PowerShell.Cmdlets.SetPvcVmCommand";
    private const string Rename = "Pvc.PowerShell.Cmdlets.RenamePvcVmCommand";

    private string XmlOf(string vm, string? name = null, string devices = "", string extra = "") =>
        DomainXmlSamples.Domain(c.Vms[vm], name ?? vm, devices: devices, extra: extra);

    [Theory]
    [InlineData("not-well-formed", "InvalidXml")]
    [InlineData("not-a-domain", "InvalidXml")]
    [InlineData("no-name", "InvalidVmName")]
    [InlineData("empty-name", "InvalidVmName")]
    [InlineData("slash-in-name", "InvalidVmName")]
    [InlineData("long-name", "InvalidVmName")]
    [InlineData("control-in-name", "InvalidVmName")]
    [InlineData("no-uuid", "InvalidXml")]
    [InlineData("bad-uuid", "InvalidXml")]
    [InlineData("zero-uuid", "InvalidXml")]
    [InlineData("memory-not-a-number", "InvalidXml")]
    [InlineData("memory-overflow", "InvalidXml")]
    [InlineData("memory-29-digits", "InvalidXml")]
    [InlineData("memory-unknown-unit", "InvalidXml")]
    [InlineData("memory-zero", "InvalidXml")]
    [InlineData("no-memory", "InvalidXml")]
    [InlineData("vcpu-zero", "InvalidXml")]
    [InlineData("vcpu-text", "InvalidXml")]
    [InlineData("doctype-entity", "XmlDtdNotAllowed")]
    [InlineData("billion-laughs", "XmlDtdNotAllowed")]
    [InlineData("external-entity", "XmlDtdNotAllowed")]
    [InlineData("too-large", "XmlTooLarge")]
    public async Task New_PvcVm_refuses_malformed_XML(string sample, string errorId)
    {
        var error = await c.RefusedAsync("New-PvcVm -Xml $args[0]", $"{errorId},{New}", ErrorCategory.InvalidArgument, DomainXmlSamples.Case(sample, Guid.NewGuid()));
        Assert.False(string.IsNullOrWhiteSpace(error.Exception.Message));
    }

    [Theory]
    [InlineData("rbd-monitor-option")]
    [InlineData("rbd-image-path")]
    [InlineData("rbd-config-file")]
    public async Task New_PvcVm_refuses_an_RBD_disk_that_is_no_pool_volume_on_monitors(string sample)
    {
        var error = await c.RefusedAsync("New-PvcVm -Xml $args[0]", $"InvalidRbdDisk,{New}", ErrorCategory.InvalidArgument, DomainXmlSamples.Case(sample, Guid.NewGuid()));
        Assert.Contains("RBD disk", error.Exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("qemu-commandline", "QemuCommandLine")]
    [InlineData("qemu-commandline-other-prefix", "QemuCommandLine")]
    [InlineData("hostdev", "HostDevice")]
    [InlineData("interface-hostdev", "HostDevice")]
    [InlineData("disk-block", "HostBlockDevice")]
    public async Task New_PvcVm_refuses_host_access_the_cluster_does_not_allow(string sample, string feature)
    {
        var error = await c.RefusedAsync("New-PvcVm -Xml $args[0]", $"DomainXmlNotAllowed,{New}", ErrorCategory.PermissionDenied, DomainXmlSamples.Case(sample, Guid.NewGuid()));
        // the message says what to do: the parameter and the name that allows it
        Assert.Contains($"Set-PvcCluster -AllowDomainXml {feature}", error.Exception.Message, StringComparison.Ordinal);
    }

    // rev13b P1-2: each was accepted before
    [Theory]
    [InlineData("disk-file-pvc-conf", "/etc/pvc/pvc.conf")]
    [InlineData("virtiofs-root", "<filesystem><source dir='/'>")]
    [InlineData("serial-file", "/etc/cron.d/evil")]
    [InlineData("kernel-outside", "/boot/vmlinuz")]
    [InlineData("nvram-template", "/etc/pvc/pvc.conf")]
    public async Task New_PvcVm_refuses_a_host_path_outside_the_directories_the_cluster_allows(string sample, string named)
    {
        var error = await c.RefusedAsync("New-PvcVm -Xml $args[0]", $"DomainXmlNotAllowed,{New}", ErrorCategory.PermissionDenied, DomainXmlSamples.Case(sample, Guid.NewGuid()));
        Assert.Contains(named, error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("Set-PvcCluster -AllowDomainXmlPath", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task New_PvcVm_refuses_sVirt_turned_off()
    {
        var error = await c.RefusedAsync("New-PvcVm -Xml $args[0]", $"DomainXmlNotAllowed,{New}", ErrorCategory.PermissionDenied, DomainXmlSamples.Case("seclabel-none", Guid.NewGuid()));
        Assert.Contains("Set-PvcCluster -AllowDomainXml Unconfined", error.Exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("images")]
    [InlineData("/var/lib/pvc/../../etc")]
    public async Task Set_PvcCluster_refuses_a_host_directory_that_is_no_plain_absolute_path(string directory) =>
        await c.RefusedAsync("Set-PvcCluster -AllowDomainXmlPath $args[0]", "InvalidHostDirectory,Pvc.PowerShell.Cmdlets.SetPvcClusterCommand", ErrorCategory.InvalidArgument, directory);

    [Theory]
    [InlineData("memory-over-node", "InsufficientMemory")]
    [InlineData("vcpus-over-node", "TooManyVcpus")]
    public async Task New_PvcVm_refuses_a_VM_no_node_can_hold(string sample, string errorId) =>
        await c.RefusedAsync("New-PvcVm -Xml $args[0] -Node hv1", $"{errorId},{New}", ErrorCategory.ResourceUnavailable, DomainXmlSamples.Case(sample, Guid.NewGuid()));

    [Fact]
    public async Task New_PvcVm_refuses_a_name_in_use() =>
        await c.RefusedAsync("New-PvcVm -Xml $args[0]", $"VmExists,{New}", ErrorCategory.ResourceExists, DomainXmlSamples.Domain(Guid.NewGuid(), "web1"));

    [Fact]
    public async Task New_PvcVm_refuses_a_UUID_in_use() =>
        await c.RefusedAsync("New-PvcVm -Xml $args[0]", $"VmExists,{New}", ErrorCategory.ResourceExists, DomainXmlSamples.Domain(c.Vms["web1"], "web9"));

    [Theory]
    [InlineData("-Node hv9")]
    [InlineData("-NodeLimit hv1,hv9")]
    public async Task New_PvcVm_refuses_an_unknown_node(string parameters) =>
        await c.RefusedAsync($"New-PvcVm -Xml $args[0] {parameters}", $"NodeNotFound,{New}", ErrorCategory.ObjectNotFound, DomainXmlSamples.Domain(Guid.NewGuid(), "new1"));

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("\U0001F642")] // an emoji: a surrogate pair, which ZooKeeper paths refuse
    [InlineData("\uE000")] // a private-use character, which ZooKeeper paths refuse
    public async Task New_PvcVm_refuses_a_tag_that_cannot_be_a_znode(string tag) =>
        await c.RefusedAsync("New-PvcVm -Xml $args[0] -Tag $args[1]", $"InvalidTag,{New}", ErrorCategory.InvalidArgument, DomainXmlSamples.Domain(Guid.NewGuid(), "new1"), tag);

    [Fact]
    public async Task New_PvcVm_refuses_a_maximum_downtime_of_zero() =>
        await c.RefusedAsync("New-PvcVm -Xml $args[0] -MaxDowntime 0", $"ParameterArgumentValidationError,{New}", ErrorCategory.InvalidData, DomainXmlSamples.Domain(Guid.NewGuid(), "new1"));

    [Fact]
    public async Task New_PvcVm_refuses_a_file_that_does_not_exist() =>
        await c.RefusedAsync("New-PvcVm -Path /no/such/file.xml", $"FileNotFound,{New}", ErrorCategory.ObjectNotFound);

    [Fact]
    public async Task Set_PvcVm_with_metadata_and_XML_of_another_UUID_changes_nothing()
    {
        // two changes in one command: the metadata must not be written when the XML is refused
        var error = await c.RefusedAsync("Set-PvcVm web2 -Autostart $true -Xml $args[0]", $"UuidMismatch,{Set}", ErrorCategory.InvalidArgument, DomainXmlSamples.Domain(Guid.NewGuid(), "web2"));
        Assert.Equal("web2", error.TargetObject);
        Assert.Equal("False", await c.Cluster.ReadAsync($"/domains/{c.Vms["web2"]}/node_autostart"));
    }

    [Fact]
    public async Task Set_PvcVm_with_metadata_and_XML_the_cluster_does_not_allow_changes_nothing() =>
        await c.RefusedAsync("Set-PvcVm web2 -Autostart $true -Xml $args[0]", $"DomainXmlNotAllowed,{Set}", ErrorCategory.PermissionDenied,
            XmlOf("web2", devices: "<disk type=\"block\" device=\"disk\"><source dev=\"/dev/sdb\"/><target dev=\"vdb\" bus=\"virtio\"/></disk>"));

    [Fact]
    public async Task Set_PvcVm_refuses_XML_that_takes_another_VMs_name() =>
        await c.RefusedAsync("Set-PvcVm web2 -Xml $args[0]", $"VmExists,{Set}", ErrorCategory.ResourceExists, XmlOf("web2", name: "web1"));

    [Theory]
    [InlineData("too-large", "XmlTooLarge")]
    [InlineData("doctype-entity", "XmlDtdNotAllowed")]
    [InlineData("memory-overflow", "InvalidXml")]
    public async Task Set_PvcVm_refuses_malformed_XML(string sample, string errorId) =>
        await c.RefusedAsync("Set-PvcVm web2 -MigrationMethod Live -Xml $args[0]", $"{errorId},{Set}", ErrorCategory.InvalidArgument,
            DomainXmlSamples.Case(sample, c.Vms["web2"], "web2"));

    [Fact]
    public async Task Set_PvcVm_refuses_XML_too_large_for_its_node() =>
        await c.RefusedAsync("Set-PvcVm web2 -Xml $args[0]", $"InsufficientMemory,{Set}", ErrorCategory.ResourceUnavailable,
            DomainXmlSamples.Case("memory-over-node", c.Vms["web2"], "web2"));

    [Fact]
    public async Task Set_PvcVm_refuses_an_unknown_node_in_the_limit() =>
        await c.RefusedAsync("Set-PvcVm web2 -Autostart $true -NodeLimit hv1,hv9", $"NodeNotFound,{Set}", ErrorCategory.ObjectNotFound);

    [Fact]
    public async Task Set_PvcVm_refuses_nothing_to_change() =>
        await c.RefusedAsync("Set-PvcVm web2", $"NoChange,{Set}", ErrorCategory.InvalidArgument);

    [Fact]
    public async Task Set_PvcVm_refuses_a_negative_maximum_downtime() =>
        await c.RefusedAsync("Set-PvcVm web2 -MaxDowntime -1", $"ParameterArgumentValidationError,{Set}", ErrorCategory.InvalidData);

    [Fact]
    public async Task Set_PvcVm_refuses_a_selector_that_does_not_exist() =>
        await c.RefusedAsync("Set-PvcVm web2 -NodeSelector Random", $"CannotConvertArgumentNoMessage,{Set}", ErrorCategory.InvalidArgument);

    [Fact]
    public async Task Set_PvcVm_refuses_an_unknown_VM() =>
        await c.RefusedAsync("Set-PvcVm nope -Autostart $true", $"VmNotFound,{Set}", ErrorCategory.ObjectNotFound);

    [Fact]
    public async Task Rename_PvcVm_refuses_a_running_VM() =>
        await c.RefusedAsync("Rename-PvcVm web1 web9", $"VmNotStopped,{Rename}", ErrorCategory.InvalidOperation);

    [Fact]
    public async Task Rename_PvcVm_refuses_a_name_in_use() =>
        await c.RefusedAsync("Rename-PvcVm db1 web1", $"VmExists,{Rename}", ErrorCategory.ResourceExists);

    [Theory]
    [InlineData("db/2")]
    [InlineData(" db2")]
    public async Task Rename_PvcVm_refuses_a_bad_name(string name) =>
        await c.RefusedAsync("Rename-PvcVm db1 $args[0]", $"InvalidVmName,{Rename}", ErrorCategory.InvalidArgument, name);

    [Fact]
    public async Task Rename_PvcVm_refuses_an_empty_name() =>
        await c.RefusedAsync("Rename-PvcVm db1 ''", $"ParameterArgumentValidationError,{Rename}", ErrorCategory.InvalidData);

    [Theory]
    [InlineData("noname1")]
    [InlineData("garbled1")]
    public async Task Rename_PvcVm_over_stored_XML_it_cannot_read_is_an_error_naming_the_VM(string vm)
    {
        var error = await c.RefusedAsync("Rename-PvcVm $args[0] renamed1", $"VmXmlInvalid,{Rename}", ErrorCategory.InvalidData, vm);
        Assert.Equal(vm, error.TargetObject);
        Assert.Contains("Set-PvcVm", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rename_PvcVm_refuses_a_VM_whose_stored_XML_the_cluster_does_not_allow()
    {
        // defined (by PVC, or before the policy) with a QEMU command line: a rename writes that XML again
        var uuid = Guid.NewGuid();
        await Pvc.Testing.Pvc.PvcSeed.AddVmAsync(c.Cluster.Raw, "qemu1", "hv3", state: "stop", uuid: uuid,
            xml: DomainXmlSamples.Case("qemu-commandline", uuid, "qemu1"));
        await c.RefusedAsync("Rename-PvcVm qemu1 qemu2", $"DomainXmlNotAllowed,{Rename}", ErrorCategory.PermissionDenied);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData(" padded")]
    [InlineData("\U0001F642")]
    public async Task Add_PvcVmTag_refuses_a_tag_that_cannot_be_a_znode(string tag) =>
        await c.RefusedAsync("Add-PvcVmTag web1 $args[0]", "InvalidTag,Pvc.PowerShell.Cmdlets.AddPvcVmTagCommand", ErrorCategory.InvalidArgument, tag);

    [Fact]
    public async Task Remove_PvcVmTag_refuses_a_tag_the_VM_does_not_have() =>
        await c.RefusedAsync("Remove-PvcVmTag web1 nope", "TagNotFound,Pvc.PowerShell.Cmdlets.RemovePvcVmTagCommand", ErrorCategory.ObjectNotFound);

    [Fact]
    public async Task Remove_PvcVmTag_refuses_a_protected_tag() =>
        await c.RefusedAsync("Remove-PvcVmTag limited1 keep", "TagProtected,Pvc.PowerShell.Cmdlets.RemovePvcVmTagCommand", ErrorCategory.InvalidOperation);

    [Theory]
    [InlineData("Start-PvcVm wait1", "-5")]
    [InlineData("Start-PvcVm wait1", "1e10")]
    [InlineData("Start-PvcVm wait1", "0")]
    [InlineData("Restart-PvcVm wait2", "'-00:00:05'")]
    [InlineData("Stop-PvcVm wait2", "1e300")]
    [InlineData("Move-PvcVm wait2 -Node hv2", "NaN")]
    [InlineData("Suspend-PvcNode hv4 -Confirm:$false", "-5")]
    [InlineData("Resume-PvcNode hv4", "1e10")]
    public async Task A_wait_timeout_out_of_range_is_refused_before_anything_is_asked_for(string command, string timeout)
    {
        var cmdlet = command.Split(' ')[0].Replace("-", "", StringComparison.Ordinal);
        // NaN and 1e300 are no TimeSpan at all (refused as the argument is converted); the rest are out of range
        var errorId = timeout is "NaN" or "1e300" ? "ParameterArgumentTransformationError" : "ParameterArgumentValidationError";
        var error = await c.RefusedAsync($"{command} -Wait -Timeout {timeout}", $"{errorId},Pvc.PowerShell.Cmdlets.{cmdlet}Command", ErrorCategory.InvalidData);
        Assert.Contains("Timeout", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_PvcVm_refuses_a_stopped_VM() =>
        await c.RefusedAsync("Restart-PvcVm db1", "VmNotRunning,Pvc.PowerShell.Cmdlets.RestartPvcVmCommand", ErrorCategory.InvalidOperation);

    [Fact]
    public async Task Start_PvcVm_refuses_a_mirror_without_Force() =>
        await c.RefusedAsync("Start-PvcVm mirror1", "VmIsMirror,Pvc.PowerShell.Cmdlets.StartPvcVmCommand", ErrorCategory.InvalidOperation);

    [Fact]
    public async Task Stop_PvcVm_refuses_an_unknown_VM() =>
        await c.RefusedAsync("Stop-PvcVm nope", "VmNotFound,Pvc.PowerShell.Cmdlets.StopPvcVmCommand", ErrorCategory.ObjectNotFound);

    [Fact]
    public async Task Start_PvcVm_refuses_an_empty_name() =>
        await c.RefusedAsync("Start-PvcVm ''", "ParameterArgumentTransformationError,Pvc.PowerShell.Cmdlets.StartPvcVmCommand", ErrorCategory.InvalidData);

    [Theory]
    [InlineData("web1 -Node hv9", "NodeNotFound", ErrorCategory.ObjectNotFound)]
    [InlineData("web1 -Node hv1", "VmAlreadyOnNode", ErrorCategory.InvalidOperation)]
    [InlineData("web1 -Return", "VmNotMigrated", ErrorCategory.InvalidOperation)]
    [InlineData("limited1 -Node hv3", "NodeNotInLimit", ErrorCategory.InvalidOperation)]
    public async Task Move_PvcVm_refuses_an_impossible_target(string parameters, string errorId, ErrorCategory category) =>
        await c.RefusedAsync($"Move-PvcVm {parameters}", $"{errorId},Pvc.PowerShell.Cmdlets.MovePvcVmCommand", category);

    [Theory]
    [InlineData("Resume-PvcNode", "..")]
    [InlineData("Resume-PvcNode", "hv1/..")]
    [InlineData("Suspend-PvcNode", "..")]
    [InlineData("Get-PvcNodeLog", "..")]
    [InlineData("Set-PvcNode", "..")]
    public async Task Node_cmdlets_refuse_a_name_that_cannot_be_a_node(string cmdlet, string name)
    {
        var extra = cmdlet == "Set-PvcNode" ? " -CoordinatorState Primary" : cmdlet == "Suspend-PvcNode" ? " -Confirm:$false" : "";
        await c.RefusedAsync($"{cmdlet} $args[0]{extra}", $"InvalidNodeName,Pvc.PowerShell.Cmdlets.{cmdlet.Replace("-", "", StringComparison.Ordinal)}Command", ErrorCategory.InvalidArgument, name);
    }

    [Fact]
    public async Task Suspend_PvcNode_refuses_an_unknown_node() =>
        await c.RefusedAsync("Suspend-PvcNode hv9 -Confirm:$false", "NodeNotFound,Pvc.PowerShell.Cmdlets.SuspendPvcNodeCommand", ErrorCategory.ObjectNotFound);

    [Theory]
    [InlineData("NOPE")]
    [InlineData("../x")]
    public async Task Confirm_PvcFault_refuses_a_fault_that_does_not_exist(string id) =>
        await c.RefusedAsync("Confirm-PvcFault -Id $args[0] -Confirm:$false", "FaultNotFound,Pvc.PowerShell.Cmdlets.ConfirmPvcFaultCommand", ErrorCategory.ObjectNotFound, id);

    [Fact]
    public async Task Set_PvcCluster_refuses_a_name_it_does_not_know() =>
        await c.RefusedAsync("Set-PvcCluster -AllowDomainXml QemuArgs", "CannotConvertArgumentNoMessage,Pvc.PowerShell.Cmdlets.SetPvcClusterCommand", ErrorCategory.InvalidArgument);

    [Fact]
    public async Task Set_PvcCluster_refuses_nothing_to_change() =>
        await c.RefusedAsync("Set-PvcCluster", "NoChange,Pvc.PowerShell.Cmdlets.SetPvcClusterCommand", ErrorCategory.InvalidArgument);

    [Fact]
    public async Task Connect_PvcCluster_refuses_a_chroot_before_the_last_server()
    {
        // 'hv1:2181/pvc','hv2:2181': the chroot would swallow the second server (the session would have one server,
        // in a chroot named "/pvc,hv2:2181")
        var error = await c.RefusedAsync("Connect-PvcCluster $args[0], $args[1] -NoDefault -Timeout 5",
            "InvalidServer,Pvc.PowerShell.Cmdlets.ConnectPvcClusterCommand", ErrorCategory.InvalidArgument, c.Chroot, c.Endpoint);
        Assert.Contains("chroot", error.Exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:99999")]
    [InlineData("[::1")]
    [InlineData("127.0.0.1:2181/a//b")]
    public async Task Connect_PvcCluster_refuses_a_malformed_server(string server) =>
        await c.RefusedAsync("Connect-PvcCluster $args[0] -NoDefault -Timeout 5", "InvalidServer,Pvc.PowerShell.Cmdlets.ConnectPvcClusterCommand", ErrorCategory.InvalidArgument, server);

    [Fact]
    public async Task Connect_PvcCluster_refuses_a_negative_timeout() =>
        await c.RefusedAsync("Connect-PvcCluster $args[0] -NoDefault -Timeout -5", "ParameterArgumentValidationError,Pvc.PowerShell.Cmdlets.ConnectPvcClusterCommand", ErrorCategory.InvalidData, c.Chroot);
}
