namespace Pvc.NodeService.Tests.Libvirt;

/// <summary>
/// A libvirt test-driver host of our own: a node XML file in a temporary folder, opened as
/// <c>test:///abs/path/node.xml</c>. Every open of that URI starts from the file's state.
/// </summary>
public sealed class TestDriverHost : IDisposable
{
    /// <summary>UUIDs of the domains in the node file.</summary>
    public static readonly Guid VmA = Guid.Parse("11111111-1111-1111-1111-111111111111");
    public static readonly Guid VmB = Guid.Parse("22222222-2222-2222-2222-222222222222");
    public static readonly Guid VmC = Guid.Parse("cccccccc-cccc-cccc-cccc-cccccccccccc");

    private const string NodeXml = """
        <node>
          <cpu>
            <mhz>2400</mhz>
            <model>x86_64</model>
            <active>8</active>
            <nodes>1</nodes>
            <sockets>1</sockets>
            <cores>4</cores>
            <threads>2</threads>
          </cpu>
          <memory>16777216</memory>
          <domain type='test'>
            <name>vm-a</name>
            <uuid>11111111-1111-1111-1111-111111111111</uuid>
            <memory unit='MiB'>512</memory>
            <vcpu>1</vcpu>
            <os><type arch='x86_64'>hvm</type></os>
          </domain>
          <domain type='test'>
            <name>vm-b</name>
            <uuid>22222222-2222-2222-2222-222222222222</uuid>
            <memory unit='MiB'>1024</memory>
            <vcpu>2</vcpu>
            <os><type arch='x86_64'>hvm</type></os>
          </domain>
          <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
            <name>vm-c</name>
            <uuid>cccccccc-cccc-cccc-cccc-cccccccccccc</uuid>
            <test:runstate>5</test:runstate>
            <memory unit='MiB'>256</memory>
            <vcpu>1</vcpu>
            <os><type arch='x86_64'>hvm</type></os>
          </domain>
        </node>
        """;

    private readonly string directory;

    public TestDriverHost()
    {
        directory = Directory.CreateTempSubdirectory("pvc-libvirt-").FullName;
        string path = Path.Combine(directory, "node.xml");
        File.WriteAllText(path, NodeXml);
        Uri = "test://" + path;
    }

    /// <summary><c>test:///tmp/.../node.xml</c>.</summary>
    public string Uri { get; }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
