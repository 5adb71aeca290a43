using System.Text;
using Pvc.Core.Cluster;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.Core.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class DomainXmlPolicyTests(ZooKeeperFixture zk)
{
    private const string QemuArgs = """<qemu:commandline xmlns:qemu="http://libvirt.org/schemas/domain/qemu/1.0"><qemu:arg value="-s"/></qemu:commandline>""";
    private const string HostDev = """<hostdev mode="subsystem" type="pci" managed="yes"><source><address domain="0x0000" bus="0x06" slot="0x02" function="0x0"/></source></hostdev>""";
    private const string BlockDisk = """<disk type="block" device="disk"><source dev="/dev/sdb"/><target dev="vdb" bus="virtio"/></disk>""";

    /// <summary>A small domain with <paramref name="devices"/> in its devices and <paramref name="extra"/> after them.</summary>
    private static string Domain(Guid uuid, string name, string devices = "", string extra = "", string description = "") =>
        $"""<domain type="kvm"><name>{name}</name><uuid>{uuid}</uuid><description>{description}</description><memory unit="MiB">512</memory><vcpu>1</vcpu><devices>{devices}</devices>{extra}</domain>""";

    [Fact]
    public void Inspect_finds_every_element_that_reaches_into_the_host_whatever_its_prefix()
    {
        var uuid = Guid.NewGuid();
        Assert.Empty(DomainXmlPolicy.Inspect(PvcSeed.Xml(uuid, "plain", rbd: "vms/plain")));
        Assert.Equal([new DomainXmlUse(DomainXmlFeature.QemuCommandLine, "<qemu:commandline>"), new DomainXmlUse(DomainXmlFeature.QemuCommandLine, "<qemu:arg>")],
            DomainXmlPolicy.Inspect(Domain(uuid, "a", extra: QemuArgs)));
        // the namespace decides, not the prefix; qemu:capabilities is as much a way around libvirt as qemu:commandline
        Assert.Equal(DomainXmlFeature.QemuCommandLine, DomainXmlPolicy.Inspect(Domain(uuid, "a", extra:
            """<x:capabilities xmlns:x="http://libvirt.org/schemas/domain/qemu/1.0"><x:add capability="blockdev"/></x:capabilities>"""))[0].Feature);
        Assert.Equal([new DomainXmlUse(DomainXmlFeature.HostDevice, "<hostdev>")], DomainXmlPolicy.Inspect(Domain(uuid, "a", HostDev)));
        Assert.Equal([new DomainXmlUse(DomainXmlFeature.HostDevice, "<interface type='hostdev'>")], DomainXmlPolicy.Inspect(Domain(uuid, "a",
            """<interface type="hostdev" managed="yes"><source><address type="pci" domain="0x0000" bus="0x00" slot="0x07" function="0x0"/></source></interface>""")));
        Assert.Equal([new DomainXmlUse(DomainXmlFeature.HostBlockDevice, "<disk type='block'>")], DomainXmlPolicy.Inspect(Domain(uuid, "a", BlockDisk)));
        // lookalikes: an element of another namespace, a bridged interface
        Assert.Empty(DomainXmlPolicy.Inspect(Domain(uuid, "a",
            """<interface type="bridge"><source bridge="vmbr0"/></interface>""",
            """<metadata><my:hostdev xmlns:my="urn:example"/></metadata>""")));
        // a file disk names a host path, which a directory the cluster allows may admit
        Assert.Equal([new DomainXmlUse(DomainXmlFeature.HostPath, "<disk><source file='/srv/iso/debian.iso'>") { HostPath = "/srv/iso/debian.iso" }], DomainXmlPolicy.Inspect(Domain(uuid, "a",
            """<disk type="file" device="cdrom"><source file="/srv/iso/debian.iso"/><target dev="sdc" bus="sata"/></disk>""")));
    }

    [Theory]
    // libvirt reads attributes with xmlGetProp, which ignores their namespace: a:type="block" is a block disk to it,
    // and comes first before a type="file" after it
    [InlineData("""<disk xmlns:a="urn:a" a:type="block" device="disk"><source dev="/dev/sdb"/><target dev="vdb" bus="virtio"/></disk>""", DomainXmlFeature.HostBlockDevice, "<disk type='block'>")]
    [InlineData("""<disk xmlns:a="urn:a" a:type="block" type="file" device="disk"><source dev="/dev/sdb" file="/x.img"/><target dev="vdb" bus="virtio"/></disk>""", DomainXmlFeature.HostBlockDevice, "<disk type='block'>")]
    [InlineData("""<interface xmlns:a="urn:a" a:type="hostdev"><source><address type="pci" domain="0x0000" bus="0x00" slot="0x07" function="0x0"/></source></interface>""", DomainXmlFeature.HostDevice, "<interface type='hostdev'>")]
    // a character reference is the same value to libvirt
    [InlineData("""<disk type="bl&#111;ck" device="disk"><source dev="/dev/sdb"/><target dev="vdb" bus="virtio"/></disk>""", DomainXmlFeature.HostBlockDevice, "<disk type='block'>")]
    // a host block device through a file disk's backing chain, which libvirt takes from the XML
    [InlineData("""<disk type="file" device="disk"><source file="/var/lib/x.qcow2"/><backingStore type="block"><format type="raw"/><source dev="/dev/sda"/></backingStore><target dev="vdb" bus="virtio"/></disk>""", DomainXmlFeature.HostBlockDevice, "<backingStore type='block'>")]
    // host devices that are no hostdev: the host's TPM, its keyboard or mouse, its smartcard reader
    [InlineData("""<tpm model="tpm-tis"><backend type="passthrough"><device path="/dev/tpm0"/></backend></tpm>""", DomainXmlFeature.HostDevice, "<tpm><backend type='passthrough'>")]
    [InlineData("""<input type="evdev"><source dev="/dev/input/event1" grab="all"/></input>""", DomainXmlFeature.HostDevice, "<input type='passthrough'/'evdev'>")]
    [InlineData("""<input type="passthrough" bus="virtio"><source evdev="/dev/input/event1"/></input>""", DomainXmlFeature.HostDevice, "<input type='passthrough'/'evdev'>")]
    [InlineData("""<smartcard mode="host"/>""", DomainXmlFeature.HostDevice, "<smartcard mode='host'>")]
    // nested oddly: a hostdev anywhere counts
    [InlineData("""<controller type="pci"><hostdev mode="subsystem" type="usb"><source><vendor id="0x1234"/><product id="0xbeef"/></source></hostdev></controller>""", DomainXmlFeature.HostDevice, "<hostdev>")]
    // rev13b P1-1: a host NVMe controller as a disk (libvirt 9 takes it) and a host vDPA or macvtap NIC
    [InlineData("""<disk type="nvme" device="disk"><driver name="qemu" type="raw"/><source type="pci" managed="yes" namespace="1"><address domain="0x0000" bus="0x01" slot="0x00" function="0x0"/></source><target dev="vdb" bus="virtio"/></disk>""", DomainXmlFeature.HostDevice, "<disk type='nvme'>")]
    [InlineData("""<interface type="vdpa"><source dev="/dev/vhost-vdpa-0"/></interface>""", DomainXmlFeature.HostDevice, "<interface type='vdpa'>")]
    [InlineData("""<interface type="direct"><source dev="eth0" mode="bridge"/></interface>""", DomainXmlFeature.HostDevice, "<interface type='direct'>")]
    [InlineData("""<disk type="volume" device="disk"><source pool="host-lvm" volume="root"/><target dev="vdb" bus="virtio"/></disk>""", DomainXmlFeature.HostBlockDevice, "<disk type='volume'>")]
    public void Inspect_finds_what_reaches_into_the_host_however_it_is_spelt(string devices, DomainXmlFeature feature, string element) =>
        Assert.Contains(new DomainXmlUse(feature, element), DomainXmlPolicy.Inspect(Domain(Guid.NewGuid(), "a", devices)));

    [Theory]
    // lookalikes libvirt reads as nothing of the host: values are compared as libvirt compares them, exactly
    [InlineData("""<disk type="BLOCK" device="disk"><source dev="/dev/sdb"/><target dev="vdb" bus="virtio"/></disk>""")]
    [InlineData("""<input type="tablet" bus="usb"/><tpm model="tpm-crb"><backend type="emulator" version="2.0"/></tpm><rng model="virtio"><backend model="random">/dev/urandom</backend></rng>""")]
    public void Inspect_leaves_lookalikes_alone(string devices) =>
        Assert.Empty(DomainXmlPolicy.Inspect(Domain(Guid.NewGuid(), "a", devices)));

    // rev13b P1-2: host files, folders, sockets and programs, and sVirt turned off; each was accepted before
    [Theory]
    [InlineData("""<disk type="file" device="disk"><source file="/etc/pvc/pvc.conf"/><target dev="vdb" bus="virtio"/></disk>""", "/etc/pvc/pvc.conf")]
    [InlineData("""<disk type="file" device="disk"><source file="/etc/ceph/ceph.client.admin.keyring"/><target dev="vdb" bus="virtio"/></disk>""", "/etc/ceph/ceph.client.admin.keyring")]
    [InlineData("""<disk xmlns:n="urn:n" type="file" device="disk"><source n:file="/etc/shadow"/><target dev="vdb" bus="virtio"/></disk>""", "/etc/shadow")]
    [InlineData("""<disk type="dir" device="disk"><source dir="/etc"/><target dev="vdb" bus="virtio"/></disk>""", "/etc")]
    [InlineData("""<disk type="file" device="disk"><source file="/var/lib/pvc/images/a.qcow2"/><backingStore type="file"><format type="raw"/><source file="/etc/shadow"/></backingStore><target dev="vdb" bus="virtio"/></disk>""", "/etc/shadow")]
    [InlineData("""<filesystem type="mount" accessmode="passthrough"><driver type="virtiofs"/><source dir="/"/><target dir="root"/></filesystem>""", "/")]
    [InlineData("""<serial type="file"><source path="/etc/cron.d/x"/><target port="0"/></serial>""", "/etc/cron.d/x")]
    [InlineData("""<serial type="dev"><source path="/dev/ttyS0"/><target port="0"/></serial>""", "/dev/ttyS0")]
    [InlineData("""<channel type="unix"><source mode="connect" path="/run/libvirt/libvirt-sock"/><target type="virtio" name="x"/></channel>""", "/run/libvirt/libvirt-sock")]
    [InlineData("""<console type="pipe"><source path="/tmp/pipe"/></console>""", "/tmp/pipe")]
    [InlineData("""<serial type="pty"><log file="/etc/profile.d/x.sh" append="on"/></serial>""", "/etc/profile.d/x.sh")]
    [InlineData("""<serial type="pty"><log file="/var/log/libvirt/../../../etc/shadow"/></serial>""", "/var/log/libvirt/../../../etc/shadow")]
    [InlineData("""<memory model="nvdimm"><source><path>/etc/shadow</path></source><target><size unit="MiB">1</size></target></memory>""", "/etc/shadow")]
    [InlineData("""<memory model="nvdimm"><source><path>/var/lib/pvc/<!-- -->../../../etc/shadow</path></source><target><size unit="MiB">1</size></target></memory>""", "/var/lib/pvc/../../../etc/shadow")]
    [InlineData("""<graphics type="vnc" socket="/etc/passwd"/>""", "/etc/passwd")]
    [InlineData("""<interface type="vhostuser"><source type="unix" path="/run/openvswitch/db.sock" mode="client"/><model type="virtio"/></interface>""", "/run/openvswitch/db.sock")]
    public void Inspect_finds_a_host_path_outside_the_places_allowed_for_it(string devices, string path) =>
        Assert.Contains(DomainXmlPolicy.Inspect(Domain(Guid.NewGuid(), "a", devices)), u => u.Feature == DomainXmlFeature.HostPath && u.HostPath == path);

    // rev13b P1-2: the same in <os> and elsewhere outside <devices>
    [Theory]
    [InlineData("""<os><type>hvm</type><kernel>/boot/vmlinuz</kernel></os>""", "/boot/vmlinuz")]
    [InlineData("""<os><type>hvm</type><initrd>/etc/<!-- split -->shadow</initrd></os>""", "/etc/shadow")]
    [InlineData("""<os><type>hvm</type><loader readonly="yes" type="pflash">/etc/pvc/pvc.conf</loader></os>""", "/etc/pvc/pvc.conf")]
    [InlineData("""<os><type>hvm</type><nvram template="/etc/pvc/pvc.conf">/var/lib/libvirt/qemu/nvram/a_VARS.fd</nvram></os>""", "/etc/pvc/pvc.conf")]
    [InlineData("""<os><type>hvm</type><nvram>/etc/shadow</nvram></os>""", "/etc/shadow")]
    [InlineData("""<os><type>hvm</type><acpi><table type="slic">/etc/shadow</table></acpi></os>""", "/etc/shadow")]
    [InlineData("""<sysinfo type="fwcfg"><entry name="opt/x" file="/etc/pvc/pvc.conf"/></sysinfo>""", "/etc/pvc/pvc.conf")]
    public void Inspect_finds_a_host_path_outside_the_devices(string extra, string path) =>
        Assert.Contains(DomainXmlPolicy.Inspect(Domain(Guid.NewGuid(), "a", extra: extra)), u => u.Feature == DomainXmlFeature.HostPath && u.HostPath == path);

    // rev13b P1-2: programs libvirt runs (QEMU itself, virtiofsd, an interface script as root) and host random sources
    // other than the system's: no directory admits them, only the HostPath feature
    [Theory]
    [InlineData("""<emulator>/tmp/qemu</emulator>""", "<emulator>/tmp/qemu</emulator>")]
    [InlineData("""<filesystem type="mount"><driver type="virtiofs"/><binary path="/var/lib/pvc/images/virtiofsd"/><source dir="/var/lib/pvc/images/share"/><target dir="s"/></filesystem>""", "<filesystem><binary path='/var/lib/pvc/images/virtiofsd'>")]
    [InlineData("""<interface type="ethernet"><script path="/var/lib/pvc/images/up.sh"/></interface>""", "<interface><script path='/var/lib/pvc/images/up.sh'>")]
    [InlineData("""<rng model="virtio"><backend model="random">/dev/sda</backend></rng>""", "<backend>/dev/sda</backend>")]
    [InlineData("""<shmem name="other-vm"><model type="ivshmem-plain"/><size unit="M">4</size></shmem>""", "<shmem> (memory shared with other VMs of the host)")]
    public void Inspect_finds_a_host_program_or_device_no_directory_admits(string devices, string element) =>
        Assert.Contains(new DomainXmlUse(DomainXmlFeature.HostPath, element), DomainXmlPolicy.Inspect(Domain(Guid.NewGuid(), "a", devices)));

    // rev13b P1-2: sVirt off, QEMU as a user the XML chooses (root), a device's files left unlabelled
    [Theory]
    [InlineData("""<seclabel type="none"/>""", "")]
    [InlineData("""<seclabel type="static" model="dac" relabel="yes"><label>+0:+0</label></seclabel>""", "")]
    [InlineData("""<seclabel xmlns:n="urn:n" n:type="none"/>""", "")]
    [InlineData("", """<disk type="network" device="disk"><source protocol="rbd" name="vms/a"><seclabel model="dac" relabel="no"/></source><target dev="vdb" bus="virtio"/></disk>""")]
    public void Inspect_finds_sVirt_turned_off(string extra, string devices) =>
        Assert.Contains(DomainXmlPolicy.Inspect(Domain(Guid.NewGuid(), "a", devices, extra)), u => u.Feature == DomainXmlFeature.Unconfined);

    [Fact]
    public void Inspect_leaves_what_libvirt_and_PVC_put_in_their_own_places_alone()
    {
        // PVC's provisioner's console log, a UEFI VM as virt-install writes it, the guest agent's channel as dumpxml
        // shows it, a pty console with the path dumpxml adds, sVirt as libvirt assigns it, the system's QEMU and RNG
        Assert.Empty(DomainXmlPolicy.Inspect(Domain(Guid.NewGuid(), "a",
            """
            <emulator>/usr/bin/qemu-system-x86_64</emulator>
            <serial type="pty"><source path="/dev/pts/3"/><log file="/var/log/libvirt/a.log" append="on"/><target port="0"/></serial>
            <console type="pty" tty="/dev/pts/3"><source path="/dev/pts/3"/><target type="serial" port="0"/></console>
            <channel type="unix"><source mode="bind" path="/var/lib/libvirt/qemu/channel/target/domain-5-a/org.qemu.guest_agent.0"/><target type="virtio" name="org.qemu.guest_agent.0"/></channel>
            <rng model="virtio"><backend model="random">/dev/urandom</backend></rng>
            """,
            """
            <os><type>hvm</type><loader readonly="yes" type="pflash">/usr/share/OVMF/OVMF_CODE_4M.fd</loader><nvram template="/usr/share/OVMF/OVMF_VARS_4M.fd">/var/lib/libvirt/qemu/nvram/a_VARS.fd</nvram></os>
            <seclabel type="dynamic" model="dac" relabel="yes"><label>+64055:+64055</label><imagelabel>+64055:+64055</imagelabel></seclabel>
            """)));
    }

    [Theory]
    [InlineData("/var/lib/pvc/images", "/var/lib/pvc/images/a.qcow2", true)]
    [InlineData("/var/lib/pvc/images/", "/var/lib/pvc/images/sub/a.qcow2", true)]
    [InlineData("/var/lib/pvc/images", "/var/lib/pvc/images", false)]
    [InlineData("/var/lib/pvc/images", "/var/lib/pvc/images2/a", false)]
    [InlineData("/var/lib/pvc/images", "/var/lib/pvc/images/../../../etc/shadow", false)]
    [InlineData("/var/lib/pvc/images", "/var/lib/pvc/images/./a", false)]
    [InlineData("/var/lib/pvc/images", "/var/lib/pvc/images//a", false)]
    [InlineData("/var/lib/pvc/images", "var/lib/pvc/images/a", false)]
    public void A_host_directory_holds_only_plain_paths_under_it(string directory, string path, bool holds) =>
        Assert.Equal(holds, HostDirectory.Parse(directory).Contains(path));

    [Theory]
    [InlineData("/")]
    [InlineData("")]
    [InlineData("images")]
    [InlineData("/var/lib/../../etc")]
    [InlineData("/var/lib/pvc,/etc")]
    [InlineData("/var//lib")]
    public void A_host_directory_is_a_plain_absolute_path(string text) =>
        Assert.Equal("InvalidHostDirectory", PvcAssert.Throws(PvcErrorKind.InvalidArgument, () => HostDirectory.Parse(text)).ErrorId);

    [Theory]
    [InlineData("<!DOCTYPE domain [<!ENTITY n \"web1\">]><domain><name>&n;</name></domain>", "XmlDtdNotAllowed")]
    [InlineData("<!DOCTYPE domain SYSTEM \"http://example.com/domain.dtd\"><domain/>", "XmlDtdNotAllowed")]
    [InlineData("<!DOCTYPE domain [<!ENTITY % p \"<!ENTITY x 'y'>\"> %p;]><domain/>", "XmlDtdNotAllowed")]
    [InlineData("<domain><name>web1</name>", "InvalidXml")]
    [InlineData("<domain><name>web1</name></domain><domain/>", "InvalidXml")]
    public void Inspect_refuses_a_DTD_and_malformed_XML(string xml, string errorId) =>
        Assert.Equal(errorId, PvcAssert.Throws(PvcErrorKind.InvalidArgument, () => DomainXmlPolicy.Inspect(xml)).ErrorId);

    /// <summary>An RBD disk as PVC's provisioner writes it, with <paramref name="source"/> and <paramref name="auth"/> in place of its own.</summary>
    private static string RbdDisk(string source, string auth = "<auth username='libvirt'><secret type='ceph' uuid='c0ffee00-5eed-4c0d-a000-000000000001'/></auth>") =>
        $"<disk type='network' device='disk'><driver name='qemu' cache='none'/>{auth}{source}<target dev='sda' bus='scsi'/></disk>";

    [Fact]
    public void Inspect_takes_RBD_disks_as_PVC_writes_them()
    {
        var uuid = Guid.NewGuid();
        Assert.Empty(DomainXmlPolicy.Inspect(PvcSeed.Xml(uuid, "web1", rbd: "vms/web1_sda")));
        Assert.Empty(DomainXmlPolicy.Inspect(Domain(uuid, "a", RbdDisk(
            "<source protocol='rbd' name='vms.ssd/a_b-1.img'><host name='10.0.0.1' port='6789'/><host name='fd00::1' port='3300'/><host name='mon-3.storage.example' /><snapshot name='before.upgrade'/></source>"))));
        // newer libvirt puts auth inside the source; a disk without auth (a cluster without cephx) is fine too
        Assert.Empty(DomainXmlPolicy.Inspect(Domain(uuid, "a", RbdDisk(
            "<source protocol='rbd' name='vms/a'><host name='hv1'/><auth username='admin'><secret type='ceph' uuid='c0ffee00-5eed-4c0d-a000-000000000001'/></auth></source>", auth: ""))));
        Assert.Empty(DomainXmlPolicy.Inspect(Domain(uuid, "a", RbdDisk("<source protocol='rbd' name='vms/a'/>", auth: ""))));
        // an iSCSI disk's auth is not an RBD disk's: its secret type is iscsi
        Assert.Empty(DomainXmlPolicy.Inspect(Domain(uuid, "a",
            "<disk type='network'><auth username='u:1'><secret type='iscsi' usage='x'/></auth><source protocol='iscsi' name='iqn.2013-07.com.example:iscsi/1'/></disk>")));
    }

    // each one a value that libvirt would hand QEMU's RBD driver, joined into its Ceph option string, or that names a host file
    [Theory]
    [InlineData("<source protocol='rbd' name='vms'/>")]
    [InlineData("<source protocol='rbd' name='vms/'/>")]
    [InlineData("<source protocol='rbd' name='vms/a/b'/>")]
    [InlineData("<source protocol='rbd' name='vms/a:mon_host=10.9.9.9'/>")]
    [InlineData("<source protocol='rbd' name='-vms/a'/>")]
    [InlineData("<source protocol='rbd' name='vms/a@snap'/>")]
    [InlineData("<source protocol='rbd'/>")]
    [InlineData("<source protocol='rbd' name='vms/a'><host name='10.0.0.1;keyring=/etc/shadow'/></source>")]
    [InlineData("<source protocol='rbd' name='vms/a'><host name='hv1:6789'/></source>")]
    [InlineData("<source protocol='rbd' name='vms/a'><host name='-hv1'/></source>")]
    [InlineData("<source protocol='rbd' name='vms/a'><host name='fe80::1%eth0'/></source>")]
    [InlineData("<source protocol='rbd' name='vms/a'><host/></source>")]
    [InlineData("<source protocol='rbd' name='vms/a'><host name='hv1' port='0'/></source>")]
    [InlineData("<source protocol='rbd' name='vms/a'><host name='hv1' port='6789;id=admin'/></source>")]
    [InlineData("<source protocol='rbd' name='vms/a'><host name='hv1' port='65536'/></source>")]
    [InlineData("<source protocol='rbd' name='vms/a'><host transport='unix' socket='/run/ceph/mon.sock'/></source>")]
    [InlineData("<source protocol='rbd' name='vms/a'><config file='/root/evil.conf'/></source>")]
    [InlineData("<source protocol='rbd' name='vms/a'><snapshot name='s;x'/></source>")]
    // rev13b P2-2: libvirt reads attributes whatever their namespace (xmlGetProp), so a prefixed attribute is the attribute
    [InlineData("<source xmlns:n='urn:n' n:protocol='rbd' name='rbd/img:conf=/etc/shadow'/>")]
    [InlineData("<source xmlns:n='urn:n' protocol='rbd' n:name='rbd/img:conf=/etc/shadow'/>")]
    [InlineData("<source protocol='rbd' name='vms/a' xmlns:n='urn:n'><host n:name='10.0.0.1;keyring=/etc/shadow'/></source>")]
    [InlineData("<source protocol='rbd' name='vms/a' xmlns:n='urn:n'><host name='hv1' n:port='6789;id=admin'/></source>")]
    [InlineData("<source protocol='rbd' name='vms/a' xmlns:n='urn:n'><host n:transport='unix' n:socket='/run/ceph/mon.sock'/></source>")]
    public void Inspect_refuses_an_RBD_source_that_is_no_pool_volume_and_monitors(string source) =>
        Assert.Equal("InvalidRbdDisk", PvcAssert.Throws(PvcErrorKind.InvalidArgument, () => DomainXmlPolicy.Inspect(Domain(Guid.NewGuid(), "a", RbdDisk(source)))).ErrorId);

    [Theory]
    [InlineData("<auth username='admin;key=AQ=='><secret type='ceph' uuid='c0ffee00-5eed-4c0d-a000-000000000001'/></auth>")]
    [InlineData("<auth><secret type='ceph' uuid='c0ffee00-5eed-4c0d-a000-000000000001'/></auth>")]
    [InlineData("<auth username='libvirt'><secret type='ceph' uuid='not-a-uuid'/></auth>")]
    [InlineData("<auth username='libvirt'><secret type='iscsi' uuid='c0ffee00-5eed-4c0d-a000-000000000001'/></auth>")]
    [InlineData("<auth username='libvirt'><secret type='ceph' usage='client.libvirt secret'/></auth>")]
    [InlineData("<auth username='libvirt'/>")]
    [InlineData("<auth xmlns:n='urn:n' n:username='admin;key=AQ=='><secret type='ceph' uuid='c0ffee00-5eed-4c0d-a000-000000000001'/></auth>")]
    [InlineData("<auth username='libvirt' xmlns:n='urn:n'><secret n:type='iscsi' uuid='c0ffee00-5eed-4c0d-a000-000000000001'/></auth>")]
    public void Inspect_refuses_an_RBD_disk_whose_cephx_user_or_secret_is_malformed(string auth) =>
        Assert.Equal("InvalidRbdDisk", PvcAssert.Throws(PvcErrorKind.InvalidArgument,
            () => DomainXmlPolicy.Inspect(Domain(Guid.NewGuid(), "a", RbdDisk("<source protocol='rbd' name='vms/a'/>", auth)))).ErrorId);

    [Fact]
    public async Task Define_and_modify_refuse_a_bad_RBD_disk_and_write_nothing()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var uuid = Guid.NewGuid();
        var bad = Domain(uuid, "vm1", RbdDisk("<source protocol='rbd' name='vms/vm1'><host name='hv1;auth_supported=none'/></source>"));
        var before = await PvcSeed.DumpAsync(c.Raw);
        var e = await Assert.ThrowsAsync<PvcException>(() => ops.DefineAsync(new VmDefinition { Xml = bad }));
        Assert.Equal(("InvalidRbdDisk", PvcErrorKind.InvalidArgument), (e.ErrorId, e.Kind));
        Assert.Contains("hv1;auth_supported=none", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, await PvcSeed.DumpAsync(c.Raw));

        // a good one is defined with PVC's rbdlist; a bad change of it is refused and leaves XML and rbdlist as they were
        var vm = await ops.DefineAsync(new VmDefinition { Xml = Domain(uuid, "vm1", RbdDisk("<source protocol='rbd' name='vms/vm1_sda'><host name='hv1' port='6789'/></source>")) });
        Assert.Equal("vms/vm1_sda", await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.StorageVolumes)));
        before = await PvcSeed.DumpAsync(c.Raw);
        e = await Assert.ThrowsAsync<PvcException>(() => ops.ModifyXmlAsync(vm, bad));
        Assert.Equal("InvalidRbdDisk", e.ErrorId);
        Assert.Equal(before, await PvcSeed.DumpAsync(c.Raw));
    }

    [Fact]
    public void Inspect_refuses_a_billion_laughs_without_expanding_it()
    {
        var laughs = new StringBuilder("<!DOCTYPE domain [<!ENTITY l0 \"lol\">");
        for (var i = 1; i <= 9; i++)
            laughs.Append(System.Globalization.CultureInfo.InvariantCulture, $"<!ENTITY l{i} \"{string.Concat(Enumerable.Repeat($"&l{i - 1};", 10))}\">");
        laughs.Append("]><domain><name>&l9;</name></domain>");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal("XmlDtdNotAllowed", PvcAssert.Throws(PvcErrorKind.InvalidArgument, () => DomainXmlPolicy.Inspect(laughs.ToString())).ErrorId);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
        // what is stored is read without a DTD too: a listing never expands one
        Assert.Equal("InvalidXml", PvcAssert.Throws(PvcErrorKind.InvalidArgument, () => DomainXml.Parse(laughs.ToString())).ErrorId);
    }

    [Fact]
    public void Inspect_takes_XML_up_to_its_limit_and_refuses_a_byte_more()
    {
        var uuid = Guid.NewGuid();
        var empty = Encoding.UTF8.GetByteCount(Domain(uuid, "big"));
        // multi-byte characters count as their bytes, not as characters
        var padding = new string('é', (DomainXmlPolicy.MaxBytes - empty) / 2) + ((DomainXmlPolicy.MaxBytes - empty) % 2 == 1 ? "x" : "");
        var atLimit = Domain(uuid, "big", description: padding);
        Assert.Equal(DomainXmlPolicy.MaxBytes, Encoding.UTF8.GetByteCount(atLimit));
        Assert.Empty(DomainXmlPolicy.Inspect(atLimit));
        var e = PvcAssert.Throws(PvcErrorKind.InvalidArgument, () => DomainXmlPolicy.Inspect(Domain(uuid, "big", description: padding + "x")));
        Assert.Equal("XmlTooLarge", e.ErrorId);
    }

    [Fact]
    public async Task XML_at_the_limit_is_defined_in_one_transaction()
    {
        // the limit leaves room for the rest of the define's transaction under ZooKeeper's 1 MiB request limit
        await using var c = await TestCluster.StartAsync(zk);
        var uuid = Guid.NewGuid();
        var empty = Encoding.UTF8.GetByteCount(Domain(uuid, "big"));
        var xml = Domain(uuid, "big", description: new string('x', DomainXmlPolicy.MaxBytes - empty));
        await new VmOperations(c.Connection).DefineAsync(new VmDefinition { Xml = xml, TargetNode = "hv1", Tags = [.. Enumerable.Range(0, 50).Select(i => ($"tag{i}", false))] });
        Assert.Equal(xml, await c.ReadAsync($"/domains/{uuid}/xml"));
    }

    [Theory]
    [InlineData(HostDev, "", DomainXmlFeature.HostDevice, "<hostdev>")]
    [InlineData(BlockDisk, "", DomainXmlFeature.HostBlockDevice, "<disk type='block'>")]
    [InlineData("", QemuArgs, DomainXmlFeature.QemuCommandLine, "<qemu:commandline>")]
    public async Task Define_refuses_what_the_cluster_does_not_allow_and_writes_nothing(string devices, string extra, DomainXmlFeature feature, string element)
    {
        await using var c = await TestCluster.StartAsync(zk);
        var before = await PvcSeed.DumpAsync(c.Raw);
        var e = await Assert.ThrowsAsync<PvcException>(() => new VmOperations(c.Connection).DefineAsync(new VmDefinition { Xml = Domain(Guid.NewGuid(), "vm1", devices, extra) }));
        var refusal = Assert.IsType<DomainXmlRefusal>(e.Detail);
        Assert.Equal(("DomainXmlNotAllowed", PvcErrorKind.NotAllowed, feature, element, "vm1"), (e.ErrorId, e.Kind, refusal.Feature, refusal.Element, e.Target));
        // Core says what to allow; the cmdlet layer adds how (Set-PvcCluster -AllowDomainXml: BadInputTests)
        Assert.Equal([feature], refusal.Allowing);
        Assert.Contains($"(its allow-list then: {feature})", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, await PvcSeed.DumpAsync(c.Raw));
    }

    [Fact]
    public async Task What_the_cluster_allows_is_defined_modified_and_renamed_and_nothing_else()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        Assert.True(await ClusterSettings.ChangeAsync(c.Connection, new ClusterSettingsChange { AllowedDomainXml = [DomainXmlFeature.HostDevice] }));
        var uuid = Guid.NewGuid();
        var vm = await ops.DefineAsync(new VmDefinition { Xml = Domain(uuid, "gpu1", HostDev), TargetNode = "hv1" });

        // more than allowed: refused, and the advice keeps what is allowed now
        var e = await Assert.ThrowsAsync<PvcException>(() => ops.ModifyXmlAsync(vm, Domain(uuid, "gpu1", HostDev + BlockDisk)));
        Assert.Equal([DomainXmlFeature.HostDevice, DomainXmlFeature.HostBlockDevice], Assert.IsType<DomainXmlRefusal>(e.Detail).Allowing);
        Assert.Contains("(its allow-list then: HostDevice, HostBlockDevice)", e.Message, StringComparison.Ordinal);
        await ops.ModifyXmlAsync(vm, Domain(uuid, "gpu1", HostDev, description: "with a GPU"));
        var renamed = await ops.RenameAsync(vm, "gpu2");
        Assert.Contains("<name>gpu2</name>", await c.ReadAsync($"/domains/{uuid}/xml"), StringComparison.Ordinal);

        // taken back: the VM's XML can no longer be written, not even by a rename
        Assert.True(await ClusterSettings.ChangeAsync(c.Connection, new ClusterSettingsChange { AllowedDomainXml = [] }));
        var before = await PvcSeed.DumpAsync(c.Raw);
        Assert.Equal(DomainXmlFeature.HostDevice, Assert.IsType<DomainXmlRefusal>((await Assert.ThrowsAsync<PvcException>(() => ops.RenameAsync(renamed, "gpu3"))).Detail).Feature);
        Assert.Equal(before, await PvcSeed.DumpAsync(c.Raw));
    }

    [Fact]
    public async Task A_file_disk_is_defined_under_a_directory_the_cluster_allows_and_refused_elsewhere()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var uuid = Guid.NewGuid();
        string FileDisk(string file) => Domain(uuid, "img1", $"""<disk type="file" device="disk"><source file="{file}"/><target dev="vdb" bus="virtio"/></disk>""");

        // nothing allowed: refused, nothing written, and the message says which directories are allowed (none)
        var before = await PvcSeed.DumpAsync(c.Raw);
        var e = await Assert.ThrowsAsync<PvcException>(() => ops.DefineAsync(new VmDefinition { Xml = FileDisk("/etc/pvc/pvc.conf") }));
        var refusal = Assert.IsType<DomainXmlRefusal>(e.Detail);
        Assert.Equal(("DomainXmlNotAllowed", DomainXmlFeature.HostPath, "/etc/pvc/pvc.conf"), (e.ErrorId, refusal.Feature, refusal.Use.HostPath));
        Assert.Contains("(now: none)", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, await PvcSeed.DumpAsync(c.Raw));

        Assert.True(await ClusterSettings.ChangeAsync(c.Connection, new ClusterSettingsChange { AllowedDomainXmlPaths = [HostDirectory.Parse("/var/lib/pvc/images/")] }));
        Assert.Equal("/var/lib/pvc/images", await c.ReadAsync("/config/domain_xml_paths"));
        Assert.Equal(["/var/lib/pvc/images"], (await ClusterStatusReader.ReadAsync(c.Connection)).AllowedDomainXmlPaths);
        Assert.Empty((await SchemaValidator.ValidateAsync(c.Connection)).Problems);
        var vm = await ops.DefineAsync(new VmDefinition { Xml = FileDisk("/var/lib/pvc/images/img1.qcow2"), TargetNode = "hv1" });

        // out of the directory by '..', or beside it: refused, the VM as it was
        before = await PvcSeed.DumpAsync(c.Raw);
        foreach (var outside in new[] { "/var/lib/pvc/images/../../../../etc/shadow", "/var/lib/pvc/images2/x" })
            Assert.Equal(outside, Assert.IsType<DomainXmlRefusal>((await Assert.ThrowsAsync<PvcException>(() => ops.ModifyXmlAsync(vm, FileDisk(outside)))).Detail).Use.HostPath);
        Assert.Equal(before, await PvcSeed.DumpAsync(c.Raw));

        // the write that relied on the directory checks it: withdrawn meanwhile, the write fails
        var read = await DomainXmlAllowList.ReadAsync(c.Raw);
        Assert.True(await ClusterSettings.ChangeAsync(c.Connection, new ClusterSettingsChange { AllowedDomainXmlPaths = [] }));
        await Assert.ThrowsAsync<BadVersionException>(() => c.Raw.MultiAsync([.. read.Checks, Op.SetData("/config/upstream_ip", "x"u8.ToArray())]));
        Assert.Equal(DomainXmlFeature.HostPath, Assert.IsType<DomainXmlRefusal>((await Assert.ThrowsAsync<PvcException>(() => ops.RenameAsync(vm, "img2"))).Detail).Feature);

        // the feature allows every host path
        Assert.True(await ClusterSettings.ChangeAsync(c.Connection, new ClusterSettingsChange { AllowedDomainXml = [DomainXmlFeature.HostPath] }));
        await ops.ModifyXmlAsync(vm, FileDisk("/srv/anything.img"));
        // a stored entry that is no plain directory allows nothing
        Assert.Equal(["/a"], DomainXmlAllowList.DecodeDirectories("/a,/,relative,/b/../c,").Select(d => d.Path));
    }

    [Fact]
    public async Task The_allow_list_is_a_key_PVCs_schema_ignores_and_a_write_that_relied_on_it_checks_it()
    {
        await using var c = await TestCluster.StartAsync(zk);
        Assert.Empty((await DomainXmlAllowList.ReadAsync(c.Raw)).Features); // no key: none allowed
        Assert.False(await ClusterSettings.ChangeAsync(c.Connection, new ClusterSettingsChange { Maintenance = false }));
        Assert.True(await ClusterSettings.ChangeAsync(c.Connection, new ClusterSettingsChange
        {
            Maintenance = true,
            AllowedDomainXml = [DomainXmlFeature.HostBlockDevice, DomainXmlFeature.QemuCommandLine, DomainXmlFeature.QemuCommandLine],
        }));
        Assert.Equal("qemu-commandline,host-block-device", await c.ReadAsync("/config/domain_xml_allow"));
        Assert.Equal("true", await c.ReadAsync("/config/maintenance"));
        Assert.Empty((await SchemaValidator.ValidateAsync(c.Connection)).Problems);
        var status = await ClusterStatusReader.ReadAsync(c.Connection);
        Assert.Equal([DomainXmlFeature.QemuCommandLine, DomainXmlFeature.HostBlockDevice], status.AllowedDomainXml);

        // a newer Pvc's name allows nothing here; case does not matter
        Assert.Equal([DomainXmlFeature.HostDevice], DomainXmlAllowList.Decode("HostDev, gpu-passthrough ,"));

        // the version read goes into the write's checks: a list changed since fails the transaction
        var read = await DomainXmlAllowList.ReadAsync(c.Raw);
        await ClusterSettings.ChangeAsync(c.Connection, new ClusterSettingsChange { AllowedDomainXml = [DomainXmlFeature.HostBlockDevice] });
        await Assert.ThrowsAsync<BadVersionException>(() => c.Raw.MultiAsync([.. read.Checks, Op.SetData("/config/upstream_ip", "x"u8.ToArray())]));
        Assert.Empty(DomainXmlAllowList.None.Checks);

        Assert.Equal("NoChange", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => ClusterSettings.ChangeAsync(c.Connection, new ClusterSettingsChange()))).ErrorId);
    }
}
