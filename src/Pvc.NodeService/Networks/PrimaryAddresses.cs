using CliWrap;
using Microsoft.Extensions.Logging;

namespace Pvc.NodeService.Networks;

/// <summary>
/// The addresses only the primary coordinator holds (the cluster's floating addresses, the managed networks'
/// gateways): added with <c>ip address add</c> and announced with a gratuitous ARP as PVC does
/// (<c>arping -P -U -W 0.02 -c 2 -i &lt;dev&gt; -S &lt;ip&gt; &lt;ip&gt;</c>, when arping is installed), removed with
/// <c>ip address del</c>. An address already there (from before a restart) is taken as added, one already gone as removed.
/// </summary>
internal sealed class PrimaryAddresses(IpTool ip, ILogger log)
{
    private bool _arpingMissing;

    /// <summary>Adds <paramref name="cidr"/> ("address/prefix") on <paramref name="device"/> and announces it.</summary>
    /// <exception cref="IpCommandException">ip refused (the device is missing, ...).</exception>
    public async Task AddAsync(string device, string cidr, CancellationToken cancellationToken)
    {
        try
        {
            await ip.RunAsync(["address", "add", cidr, "dev", device], cancellationToken);
        }
        catch (IpCommandException e) when (e.Message.Contains("File exists", StringComparison.Ordinal))
        {
            // adopted: there from before a restart of this primary
        }
        await AnnounceAsync(device, cidr.Split('/')[0], cancellationToken);
    }

    /// <summary>Removes <paramref name="cidr"/> from <paramref name="device"/>; false (logged) when ip refused for another reason than its absence.</summary>
    public async Task<bool> RemoveAsync(string device, string cidr, CancellationToken cancellationToken)
    {
        try
        {
            await ip.RunAsync(["address", "del", cidr, "dev", device], cancellationToken);
            return true;
        }
        catch (IpCommandException e) when (e.Message.Contains("Cannot assign", StringComparison.Ordinal) || e.Message.Contains("does not exist", StringComparison.Ordinal)
                                           || e.Message.Contains("Cannot find device", StringComparison.Ordinal))
        {
            return true; // not there
        }
        catch (IpCommandException e)
        {
            log.LogWarning("The address {Address} could not be removed from {Device}: {Message}", cidr, device, e.Message);
            return false;
        }
    }

    /// <summary>
    /// Removes from <paramref name="device"/> every address equal to <paramref name="address"/>, whatever its prefix: a
    /// primary's address left behind by a service that ended without relinquishing (SIGKILL, OOM, a crash); true when
    /// one was there.
    /// </summary>
    public async Task<bool> RemoveStaleAsync(string device, string address, CancellationToken cancellationToken)
    {
        var found = false;
        foreach (var cidr in (await ip.ListAddressesAsync(device, cancellationToken)).Where(a => a.Split('/')[0] == address))
        {
            found = true;
            if (await RemoveAsync(device, cidr, cancellationToken))
                log.LogWarning("Removed {Address} from {Device}: a primary's address left from before this service started", cidr, device);
        }
        return found;
    }

    private async Task AnnounceAsync(string device, string address, CancellationToken cancellationToken)
    {
        if (_arpingMissing)
            return;
        // each a parsed address or an interface name from pvc.conf or a VNI, never anything else
        string[] arping = ["arping", "-P", "-U", "-W", "0.02", "-c", "2", "-i", device, "-S", address, address];
        IReadOnlyList<string> command = ip.Netns is { } ns ? ["ip", "netns", "exec", ns, .. arping] : arping;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(5));
            // arping exits 1 when no reply came, which an unsolicited announcement never gets
            await Cli.Wrap(command[0]).WithArguments(command.Skip(1)).WithValidation(CommandResultValidation.None).ExecuteAsync(deadline.Token);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            _arpingMissing = true;
            log.LogInformation("arping is not installed: the primary's addresses are not announced (neighbours learn them on their next ARP)");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            log.LogDebug("arping for {Address} on {Device} did not end within 5 s", address, device);
        }
    }
}
