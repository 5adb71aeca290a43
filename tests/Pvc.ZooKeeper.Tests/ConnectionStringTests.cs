namespace Pvc.ZooKeeper.Tests;

public sealed class ConnectionStringTests
{
    [Fact]
    public void Parses_hosts_ports_ipv6_and_chroot()
    {
        var cs = ConnectionString.Parse("hv1:2181, hv2 ,[::1]:2182/pvc/cluster/");
        Assert.Equal([new DnsEndPointText("hv1", 2181), new DnsEndPointText("hv2", 2181), new DnsEndPointText("::1", 2182)], cs.Hosts);
        Assert.Equal("/pvc/cluster", cs.Chroot);
        Assert.Equal("hv1:2181,hv2:2181,[::1]:2182/pvc/cluster", cs.ToString());
        Assert.Null(ConnectionString.Parse("127.0.0.1:1/").Chroot);
    }

    [Theory]
    [InlineData("", "names no server")]
    [InlineData("hv1:notaport", "port")]
    [InlineData("hv1:70000", "port")]
    [InlineData(":2181", "no host")]
    [InlineData("[::1:2181", "IPv6")]
    [InlineData("hv1:2181/pvc,hv2:2181", "chroot")] // the chroot would swallow the second server
    [InlineData("hv1:2181/a//b", "chroot")]
    public void Refuses_bad_strings_with_the_reason(string text, string reason)
    {
        var e = Assert.Throws<FormatException>(() => ConnectionString.Parse(text));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/domains/3f2a/state")]
    [InlineData("/a-b_c.d")]
    public void Accepts_valid_paths(string path) => PathValidation.Validate(path);

    [Theory]
    [InlineData("")]
    [InlineData("nodes")]
    [InlineData("/nodes/")]
    [InlineData("/a//b")]
    [InlineData("/a/./b")]
    [InlineData("/a/../b")]
    [InlineData("/a\u0001b")]
    public void Refuses_invalid_paths(string path) => Assert.Throws<ArgumentException>(() => PathValidation.Validate(path));
}
