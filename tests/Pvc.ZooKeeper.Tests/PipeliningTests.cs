using System.Globalization;
using System.Text;
using Pvc.Testing.Network;
using Pvc.Testing.ZooKeeper;

namespace Pvc.ZooKeeper.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class PipeliningTests(ZooKeeperFixture zk)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private async Task<long> PacketsReceivedAsync()
    {
        var mntr = await zk.Server.TryFourLetterWordAsync("mntr") ?? throw new InvalidOperationException("mntr did not answer");
        var line = mntr.Split('\n').Single(l => l.StartsWith("zk_packets_received", StringComparison.Ordinal));
        return long.Parse(line.Split('\t')[1], CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Thousands_of_reads_are_all_on_the_wire_before_the_first_answer()
    {
        var chroot = await zk.NewChrootAsync();
        await using var setup = await ZooKeeperClient.ConnectAsync(chroot);
        const int count = 3000;
        await setup.CreateAsync("/vms", ReadOnlyMemory<byte>.Empty);
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => setup.CreateAsync($"/vms/{i}", Encoding.UTF8.GetBytes($"vm{i}"))));

        await using var proxy = new TcpProxy(zk.Server.ClientPort);
        await using var client = await ZooKeeperClient.ConnectAsync(proxy.Endpoint + chroot[chroot.IndexOf('/', StringComparison.Ordinal)..]);
        var before = await PacketsReceivedAsync();
        proxy.PauseReplies();

        var reads = Enumerable.Range(0, count).Select(i => client.GetDataAsync($"/vms/{i}")).ToList();

        // with no answer able to reach the client, every request still reaches the server:
        // the client does not wait for one round trip before sending the next request
        var until = DateTime.UtcNow + Deadline;
        long received;
        while ((received = await PacketsReceivedAsync() - before) < count && DateTime.UtcNow < until)
            await Task.Delay(20);
        Assert.True(received >= count, $"only {received} of {count} requests reached the server while answers were held back");
        Assert.All(reads, r => Assert.False(r.IsCompleted));

        proxy.ResumeReplies();
        var results = await Task.WhenAll(reads).WaitAsync(Deadline);
        for (var i = 0; i < count; i++)
            Assert.Equal($"vm{i}", Encoding.UTF8.GetString(results[i].Data));
    }
}
