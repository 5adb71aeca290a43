using System.Text.Json;
using Pvc.Testing.Pvc;
using Pvc.Core.Errors;
using Pvc.Core.Storage;
using Pvc.NodeService.Ceph;
using Pvc.Testing.Ceph;

namespace Pvc.NodeService.Tests.Ceph;

/// <summary>Status, health, utilisation and pools through librados' monitor commands, against the real lab.</summary>
[Collection(CephLabCollection.Name)]
public sealed class CephMonitorTests(CephLabFixture fixture) : IAsyncLifetime
{
    private RadosCluster? _cluster;

    private CephMonitor Monitor => new(_cluster!);

    public async Task InitializeAsync() =>
        _cluster = await RadosCluster.ConnectAsync(new CephClientOptions { ConfigPath = fixture.Lab.ConfigPath, ClientName = CephLab.AdminClient });

    public Task DisposeAsync()
    {
        _cluster?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Status_is_the_labs_with_its_OSDs()
    {
        using var status = JsonDocument.Parse(await Monitor.GetStatusJsonAsync());
        Assert.Equal(fixture.Lab.Fsid.ToString(), status.RootElement.GetProperty("fsid").GetString());
        Assert.Equal(fixture.Lab.Options.OsdCount, status.RootElement.GetProperty("osdmap").GetProperty("num_up_osds").GetInt32());
    }

    [Fact]
    public async Task Status_and_usage_for_a_person_are_what_the_ceph_tool_prints()
    {
        var pool = await fixture.Lab.SharedPoolAsync();
        var status = await Monitor.GetStatusTextAsync();
        Assert.Contains($"id:     {fixture.Lab.Fsid}", status, StringComparison.Ordinal);
        Assert.Contains("health: HEALTH_OK", status, StringComparison.Ordinal);
        var usage = await Monitor.GetUsageTextAsync();
        Assert.Contains("--- POOLS ---", usage, StringComparison.Ordinal);
        Assert.Contains(pool, usage, StringComparison.Ordinal);
        // the same sections as the tool prints (figures may move between the two calls)
        var byTool = await fixture.Lab.CephAsync(["df"]);
        Assert.Equal(Headings(byTool), Headings(usage));
    }

    // words only: the tool sizes its columns to the longest pool name, and other tests of the lab add and remove pools
    // between the two calls (a fresh-clone run saw the POOL heading's spacing differ)
    private static List<string> Headings(string text) => [.. text.Split('\n')
        .Where(l => l.StartsWith("---", StringComparison.Ordinal) || l.StartsWith("CLASS", StringComparison.Ordinal) || l.StartsWith("POOL", StringComparison.Ordinal))
        .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)))];

    [Fact]
    public async Task Health_is_what_ceph_health_says()
    {
        var health = await Monitor.GetHealthAsync();
        Assert.Equal(await fixture.Lab.HealthAsync(), health.Status);
        Assert.Equal("HEALTH_OK", health.Status);
        Assert.Empty(health.Checks);
    }

    [Fact]
    public async Task Usage_has_the_OSDs_capacity_and_every_pool()
    {
        var pool = await fixture.Lab.SharedPoolAsync();
        var usage = await Monitor.GetUsageAsync();
        Assert.True(usage.TotalBytes >= fixture.Lab.Options.OsdCount * (fixture.Lab.Options.BluestoreBlockBytes - (1L << 30)), $"total {usage.TotalBytes}");
        Assert.True(usage.AvailableBytes > 0 && usage.AvailableBytes <= usage.TotalBytes);
        Assert.Contains(usage.Pools, p => p.Name == pool && p.MaxAvailableBytes > 0);
    }

    [Fact]
    public async Task A_pool_is_created_as_PVC_makes_it_listed_and_removed()
    {
        var pool = CephLabFixture.UniqueName("pool-");
        await Monitor.CreatePoolAsync(pool, 8, new PoolReplication(1, 1));
        try
        {
            Assert.Contains(pool, await Monitor.ListPoolsAsync());
            using var detail = JsonDocument.Parse(await fixture.Lab.CephAsync(["osd", "pool", "get", pool, "all", "--format", "json"]));
            Assert.Equal(8, detail.RootElement.GetProperty("pg_num").GetInt32());
            Assert.Equal(1, detail.RootElement.GetProperty("size").GetInt32());
            Assert.Equal(1, detail.RootElement.GetProperty("min_size").GetInt32());
            using var apps = JsonDocument.Parse(await fixture.Lab.CephAsync(["osd", "pool", "application", "get", pool, "--format", "json"]));
            Assert.True(apps.RootElement.TryGetProperty("rbd", out _));
        }
        finally
        {
            await Monitor.RemovePoolAsync(pool);
        }
        Assert.DoesNotContain(pool, await Monitor.ListPoolsAsync());
        Assert.DoesNotContain(pool, (await fixture.Lab.CephAsync(["osd", "pool", "ls"])).Split('\n'));
    }

    [Fact]
    public async Task A_pool_that_exists_is_not_created_again()
    {
        var pool = await fixture.Lab.SharedPoolAsync();
        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.AlreadyExists, () => Monitor.CreatePoolAsync(pool, 8, new PoolReplication(1, 1)));
        Assert.Equal("PoolExists", e.ErrorId);
    }

    [Fact]
    public async Task Removing_a_missing_pool_is_refused_as_not_found()
    {
        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => Monitor.RemovePoolAsync("no-such-pool"));
        Assert.Equal("PoolNotFound", e.ErrorId);
    }

    [Theory]
    [InlineData("-pool")]
    [InlineData("a/b")]
    [InlineData("")]
    public async Task A_bad_pool_name_is_refused_before_anything_is_sent(string pool)
    {
        var before = await Monitor.ListPoolsAsync();
        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => Monitor.CreatePoolAsync(pool, 8, new PoolReplication(1, 1)));
        Assert.Equal("InvalidPoolName", e.ErrorId);
        Assert.Equal(before, await Monitor.ListPoolsAsync());
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(2, 3)]
    [InlineData(11, 1)]
    public void A_replication_that_cannot_be_is_refused(int copies, int minCopies) =>
        Assert.Equal("InvalidReplication", PvcAssert.Throws(PvcErrorKind.InvalidArgument, () => new PoolReplication(copies, minCopies)).ErrorId);

    [Fact]
    public async Task A_client_with_a_wrong_key_is_refused()
    {
        var keyring = Path.Combine(fixture.Lab.Directory, "keyring.wrong");
        new CephKeyring().Add(CephLab.AdminClient).Write(keyring);
        var e = await Assert.ThrowsAnyAsync<PvcException>(() => RadosCluster.ConnectAsync(new CephClientOptions
        {
            ConfigPath = fixture.Lab.ConfigPath, KeyringPath = keyring, OperationTimeout = TimeSpan.FromSeconds(5),
        }));
        Assert.Equal("CephAccessDenied", e.ErrorId);
        Assert.Equal(PvcErrorKind.AccessDenied, e.Kind);
        Assert.DoesNotContain(File.ReadAllText(keyring).Split("key = ")[1].Trim().Split('\n')[0], e.Message);
    }
}
