using System.Diagnostics;
using System.Globalization;

namespace Pvc.NodeService.Fencing;

/// <summary>
/// Chassis power control through <c>ipmitool -I lanplus</c>, as PVC fences. The password goes in the environment
/// (<c>-E</c>), never on the command line where any local user could read it in the process list; a cipher suite
/// is asked for (<c>-C 3</c> unless configured), else ipmitool spends seconds per call negotiating; each call has a deadline, so a
/// BMC that does not answer is a failure, not a hang.
/// </summary>
internal sealed class IpmiTool(string executable = "/usr/bin/ipmitool")
{
    /// <summary>The RMCP+ cipher suite to ask for (<c>-C</c>); null lets ipmitool choose.</summary>
    public int? CipherSuite { get; init; } = 3;

    /// <summary>How long one call may take.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary><c>chassis power status</c>.</summary>
    public async Task<BmcPowerState> StatusAsync(BmcAddress bmc, CancellationToken cancellationToken)
    {
        var (exit, output) = await RunAsync(bmc, ["chassis", "power", "status"], cancellationToken);
        if (exit != 0)
            return BmcPowerState.Unknown;
        // ipmitool's exact answer on stdout, nothing looser: a fence must not follow a word in an error message
        var lines = output.Split('\n', StringSplitOptions.TrimEntries);
        return lines.Contains("Chassis Power is on") ? BmcPowerState.On
            : lines.Contains("Chassis Power is off") ? BmcPowerState.Off
            : BmcPowerState.Unknown;
    }

    /// <summary><c>mc guid</c>: the system GUID the BMC reports (see <see cref="BmcIdentity"/>); null when it did not answer with one.</summary>
    public async Task<Guid?> SystemGuidAsync(BmcAddress bmc, CancellationToken cancellationToken)
    {
        var (exit, output) = await RunAsync(bmc, ["mc", "guid"], cancellationToken);
        if (exit != 0)
            return null;
        // "System GUID   : 01cdab89-6745-2301-efcd-ab8967452301" (ipmitool 1.8.19; older ones print "System GUID  : ...")
        foreach (var line in output.Split('\n', StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("System GUID", StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
                return BmcIdentity.Decode(line[(colon + 1)..].Trim());
        }
        return null;
    }

    /// <summary><c>chassis power on</c> or <c>off</c>; false when the BMC did not take it.</summary>
    public async Task<bool> PowerAsync(BmcAddress bmc, bool on, CancellationToken cancellationToken) =>
        (await RunAsync(bmc, ["chassis", "power", on ? "on" : "off"], cancellationToken)).Exit == 0;

    private async Task<(int Exit, string Output)> RunAsync(BmcAddress bmc, string[] command, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // one try a second, twice: a lost UDP datagram is retried, a dead BMC fails within the call's deadline
        foreach (var a in new[] { "-I", "lanplus", "-N", "1", "-R", "2", "-H", bmc.Host, "-U", bmc.User, "-E" })
            psi.ArgumentList.Add(a);
        if (CipherSuite is { } suite)
        {
            psi.ArgumentList.Add("-C");
            psi.ArgumentList.Add(suite.ToString(CultureInfo.InvariantCulture));
        }
        if (bmc.Port is { } port)
        {
            psi.ArgumentList.Add("-p");
            psi.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        }
        foreach (var a in command)
            psi.ArgumentList.Add(a);
        psi.Environment["IPMI_PASSWORD"] = bmc.Password;
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {executable}.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            // no ipmitool: a failed fence (with the reason in the fault), never a dead monitor
            return (-1, $"{executable} could not be run: {e.Message}");
        }
        using var _ = process;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(CallTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            await stderr;
            return (process.ExitCode, await stdout);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
                throw;
            return (-1, "no answer within the deadline");
        }
    }
}
