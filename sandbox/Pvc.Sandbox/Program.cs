using System.Diagnostics;
using System.Runtime.InteropServices;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Core.Security;
using Pvc.Core.Vms;
using Pvc.Testing;
using Pvc.Testing.Lab;
using Pvc.Testing.PowerShell;
using Pvc.Testing.Pvc;
using Pvc.ZooKeeper;

// ./build.sh sandbox [-- <pwsh arguments>]: a private cluster and real pwsh on it. Everything it starts is stopped when
// it ends. Its arguments are pwsh's own (-Command "...", -File script.ps1 [args...], -NonInteractive, ...) and mean
// exactly what they mean to pwsh, since pwsh runs them itself; its exit status is pwsh's. The session has the module
// imported and the cluster connected (by a profile the sandbox gives pwsh, so -NoProfile leaves both out), and
// scripts find the endpoints in the environment:
//   PVC_SANDBOX_SERVER    the cluster 'sandbox': three node services on libvirt test-driver hosts, VMs web1, web2, db1
//                         running and spare stopped
//   PVC_SANDBOX_SERVER2   a second cluster 'sandbox2' in a chroot of the same ZooKeeper, written as PVC writes one (no
//                         node services: nothing happens there), with nodes kvm1, kvm2, VMs mail1, mail2, dns1 and two
//                         faults; for -Cluster
// and PSModulePath starts with the build's out/, so `Import-Module Pvc` loads this build (in child pwsh processes too).
var pwsh = Path.Combine(RepositoryRoot.Path, ".tools", "pwsh");
if (!File.Exists(pwsh))
{
    Console.Error.WriteLine($"Pvc sandbox: pwsh is not installed at {pwsh}. Run ./build.sh deps (it installs pwsh 7.6.9 there; ./build.sh sandbox runs it first).");
    return 1;
}
if (!File.Exists(PowerShellSession.ModuleManifest))
{
    Console.Error.WriteLine($"Pvc sandbox: the module is not built ({PowerShellSession.ModuleManifest} is missing). Run ./build.sh build.");
    return 1;
}

// Ctrl+C while the cluster starts, or SIGTERM/SIGHUP at any time, stops everything the sandbox started. While pwsh runs,
// Ctrl+C is pwsh's (one terminal, one process group: it reaches both), and the sandbox must not end under it.
using var stopping = new CancellationTokenSource();
Process? pwshProcess = null;
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c =>
{
    c.Cancel = true;
    if (Volatile.Read(ref pwshProcess) is null)
        stopping.Cancel();
});
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Stop(c));
using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => Stop(c));
var token = stopping.Token;

Status("starting ZooKeeper and three node services (libvirt test-driver hosts)...");
LabCluster? lab = null;
try
{
    // open (PVC-compatible), so that scripts and the Pester suite connect with the server alone; the security tests
    // run closed clusters of their own. Ctrl+C in pwsh reaches the whole foreground process group: the node services
    // run in sessions of their own, out of it.
    lab = await LabCluster.StartAsync(new LabClusterOptions { Name = "sandbox", OwnSession = true }, token);
    var endpoint = lab.ZooKeeper!.Endpoint;
    try
    {
        var second = await SeedSecondClusterAsync(lab.Connection.ZooKeeper, endpoint);
        await lab.WaitReadyAsync(cancellationToken: token);
        await lab.StartVmsAsync(new[] { ("web1", "hv1"), ("web2", "hv2"), ("db1", "hv3") }
            .Select(v => new LabVm(v.Item1, v.Item2) { MemoryMiB = 2048, Vcpus = 2, Tags = [("sandbox", false)] }), TimeSpan.FromSeconds(60), token);
        await lab.Connection.Vms.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), "spare", memoryMiB: 1024, vcpus: 1), TargetNode = "hv1" }, token);
        Status($"cluster 'sandbox' is up at {endpoint}, 'sandbox2' at {second} (node logs in {lab.Directory}).");
        return await RunPwshAsync(pwsh, lab.Directory, endpoint, second, args, p => Volatile.Write(ref pwshProcess, p), token);
    }
    finally
    {
        // every node is stopped, even when one does not stop in time (it is killed then)
        lab.Stop(TimeSpan.FromSeconds(30), Status);
    }
}
catch (OperationCanceledException) when (token.IsCancellationRequested)
{
    Status("interrupted.");
    return 130;
}
finally
{
    if (lab is not null)
        await lab.DisposeAsync();
    Status("stopped.");
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stopping.Cancel();
    try
    {
        Volatile.Read(ref pwshProcess)?.Kill(entireProcessTree: true);
    }
    catch (InvalidOperationException)
    {
        // already gone
    }
}

// The sandbox's own messages go to stderr: stdout is pwsh's, for whoever reads a script's output.
static void Status(string message) => Console.Error.WriteLine($"Pvc sandbox: {message}");

// The second cluster, in the chroot /sandbox2, as PVC writes one; returns its connection string.
static async Task<string> SeedSecondClusterAsync(ZooKeeperClient root, string endpoint)
{
    await root.CreateAsync("/sandbox2", ReadOnlyMemory<byte>.Empty);
    var server = $"{endpoint}/sandbox2";
    await using var zk = await ZooKeeperClient.ConnectAsync(server);
    await PvcSeed.InitAsync(zk, "sandbox2");
    await PvcSeed.AddNodeAsync(zk, "kvm1", routerState: "primary");
    await PvcSeed.AddNodeAsync(zk, "kvm2");
    await PvcSeed.AddVmAsync(zk, "mail1", "kvm1");
    await PvcSeed.AddVmAsync(zk, "mail2", "kvm2");
    await PvcSeed.AddVmAsync(zk, "dns1", "kvm2", state: "stop");
    await PvcSeed.AddFaultAsync(zk, "NODE_PLUGIN_DISK_KVM2", 10, "Disk usage on kvm2 is 91%");
    await PvcSeed.AddFaultAsync(zk, "VM_FAILED_DNS1", 10, "VM dns1 failed to start");
    return server;
}

// Runs pwsh with the caller's arguments and a profile that imports the module and connects; returns its exit status.
static async Task<int> RunPwshAsync(string pwsh, string dir, string server, string server2, string[] args, Action<Process> started, CancellationToken token)
{
    // pwsh reads the current user's profiles from $XDG_CONFIG_HOME/powershell: the sandbox's; the profile puts the
    // caller's XDG_CONFIG_HOME back at once, so the session's child processes (git, a runbook's pwsh) see the user's.
    var config = Directory.CreateDirectory(Path.Combine(dir, "config", "powershell")).Parent!.FullName;
    await File.WriteAllTextAsync(Path.Combine(config, "powershell", "profile.ps1"), """
        # Pvc sandbox profile: the caller's configuration folder back, the module imported, the cluster connected
        if ($null -ne $env:PVC_SANDBOX_XDG_CONFIG_HOME) { $env:XDG_CONFIG_HOME = $env:PVC_SANDBOX_XDG_CONFIG_HOME } else { Remove-Item Env:XDG_CONFIG_HOME }
        Remove-Item Env:PVC_SANDBOX_XDG_CONFIG_HOME -ErrorAction Ignore
        try {
            Import-Module $env:PVC_SANDBOX_MODULE -ErrorAction Stop
            Connect-PvcCluster $env:PVC_SANDBOX_SERVER -ErrorAction Stop | Out-Null
        } catch {
            [Console]::Error.WriteLine("Pvc sandbox: the session could not connect: $_")
            [Environment]::Exit(1)
        }
        """, token);
    var psi = new ProcessStartInfo(pwsh) { UseShellExecute = false };
    foreach (var a in args)
        psi.ArgumentList.Add(a);
    var env = psi.Environment;
    if (env.TryGetValue("XDG_CONFIG_HOME", out var callers) && callers is not null)
        env["PVC_SANDBOX_XDG_CONFIG_HOME"] = callers;
    env["XDG_CONFIG_HOME"] = config;
    env["PVC_SANDBOX_MODULE"] = PowerShellSession.ModuleManifest;
    env["PVC_SANDBOX_SERVER"] = server;
    env["PVC_SANDBOX_SERVER2"] = server2;
    var modulePath = env.TryGetValue("PSModulePath", out var inherited) && !string.IsNullOrEmpty(inherited) ? inherited : null;
    env["PSModulePath"] = Path.Combine(RepositoryRoot.Path, "out") + (modulePath is null ? "" : Path.PathSeparator + modulePath);
    if (args.Length == 0)
        Status("pwsh with the module imported and 'sandbox' connected. Try Get-PvcVm, Get-PvcNode, Get-Help Move-PvcVm -Examples; 'exit' stops the cluster.");

    token.ThrowIfCancellationRequested();
    using var process = Process.Start(psi)!;
    started(process);
    if (token.IsCancellationRequested) // a SIGTERM between the check and the start: it did not see this process
        process.Kill(entireProcessTree: true);
    await process.WaitForExitAsync(CancellationToken.None);
    return process.ExitCode;
}
