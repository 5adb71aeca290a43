using System.Diagnostics;
using Pvc.Core.Cluster;
using Pvc.Core.Nodes;
using Pvc.Core.Security;
using Pvc.Core.Vms;
using Pvc.Testing.Lab;
using Pvc.Testing.PowerShell;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

// ./build.sh sandbox [-- -File script.ps1 | -Command "..."]: a private cluster and a PowerShell session on it.
// Everything it starts is stopped when it ends.
string? file = null, command = null;
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i].Equals("-File", StringComparison.OrdinalIgnoreCase))
        file = Path.GetFullPath(args[i + 1]);
    else if (args[i].Equals("-Command", StringComparison.OrdinalIgnoreCase))
        command = args[i + 1];
}

Console.WriteLine("Pvc sandbox: starting ZooKeeper...");
await using var zookeeper = await ZooKeeperServer.StartStandaloneAsync();
var dir = Directory.CreateTempSubdirectory("pvc-sandbox-").FullName;
var nodes = new List<NodeServiceProcess>();
try
{
    // a closed cluster, as Pvc makes them: an administrator (this session) and the node services' member credential,
    // with passwords made up for this run; the nodes read theirs from their pvc.conf (0600)
    var admin = new ClusterCredential("admin", Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)));
    var member = new ClusterCredential("pvcnode", Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)));
    await using var cluster = await ClusterConnection.ConnectAsync(new() { Servers = [zookeeper.Endpoint], User = admin.User, Password = admin.Password });
    await ClusterInitializer.InitializeAsync(cluster, new ClusterInitOptions { Name = "sandbox", GrantedCredentials = [member] });
    string[] names = ["hv1", "hv2", "hv3"];
    var pvcnoded = Path.Combine(AppContext.BaseDirectory, "pvcnoded");
    var memberConfig = $"database:\n  zookeeper:\n    username: {member.User}\n    password: \"{member.Password}\"\n";
    foreach (var name in names)
    {
        var node = new NodeServiceProcess(pvcnoded, name, LabNode.Write(dir, name, names, zookeeper.Endpoint, memberConfig), Path.Combine(dir, $"{name}.log"));
        node.Start();
        nodes.Add(node);
    }
    Console.WriteLine("Pvc sandbox: three node services (libvirt test-driver hosts) starting...");
    var nodeOps = new NodeOperations(cluster);
    foreach (var name in names)
        await WaitForNodeAsync(nodeOps, name, nodes);
    var vms = new VmOperations(cluster);
    foreach (var (name, node) in new[] { ("web1", "hv1"), ("web2", "hv2"), ("db1", "hv3") })
    {
        var vm = await vms.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), name, memoryMiB: 2048, vcpus: 2), TargetNode = node, Tags = [("sandbox", false)] });
        await vms.StartAsync(vm);
        await vms.WaitRunningAsync(vm, TimeSpan.FromSeconds(60));
    }
    await vms.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), "spare", memoryMiB: 1024, vcpus: 1), TargetNode = "hv1" });
    Console.WriteLine($"Pvc sandbox: closed cluster 'sandbox' is up at {zookeeper.Endpoint}, connected as {admin.User} (node logs in {dir}).");
    return await RunPowerShellAsync(zookeeper.Endpoint, admin, file, command);
}
finally
{
    foreach (var node in nodes)
        node.Stop(TimeSpan.FromSeconds(30));
    Directory.Delete(dir, recursive: true);
    Console.WriteLine("Pvc sandbox: stopped.");
}

static async Task WaitForNodeAsync(NodeOperations ops, string name, List<NodeServiceProcess> processes)
{
    try
    {
        await ops.WaitForDomainStateAsync(name, [NodeDomainState.Ready], TimeSpan.FromSeconds(60), waitForNode: true);
    }
    catch (Pvc.Core.Errors.PvcTimeoutException e)
    {
        throw new InvalidOperationException($"Node {name} did not become ready ({e.Message}):\n{string.Join("\n", processes.Select(p => p.Log()))}");
    }
}

static async Task<int> RunPowerShellAsync(string endpoint, ClusterCredential admin, string? file, string? command)
{
    // the password reaches pwsh in its environment (read once and removed), never on its command line
    var setup = $"Import-Module '{PowerShellSession.ModuleManifest}'; " +
        $"$PvcSandboxCredential = [pscredential]::new('{admin.User}', [System.Net.NetworkCredential]::new('', $env:PVC_SANDBOX_PASSWORD).SecurePassword); " +
        "Remove-Item env:PVC_SANDBOX_PASSWORD; " +
        $"Connect-PvcCluster '{endpoint}' -Credential $PvcSandboxCredential | Out-Null";
    var pwsh = Environment.GetEnvironmentVariable("PATH")?.Split(':').Select(p => Path.Combine(p, "pwsh")).FirstOrDefault(File.Exists);
    if (pwsh is not null)
    {
        var psi = new ProcessStartInfo(pwsh) { UseShellExecute = false };
        psi.Environment["PVC_SANDBOX_PASSWORD"] = admin.Password;
        foreach (var a in file is not null ? ["-NoProfile", "-Command", $"{setup}; & '{file}'; exit $LASTEXITCODE"]
                 : command is not null ? ["-NoProfile", "-Command", $"{setup}; {command}"]
                 : new[] { "-NoProfile", "-NoExit", "-Command", setup })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
    // no pwsh here: the project's own console host on the PowerShell engine
    using var session = PowerShellSession.Open(importModule: true, echo: Console.Out);
    session.Host.Recorded.Input = Console.In;
    var password = new System.Net.NetworkCredential("", admin.Password).SecurePassword;
    session.Run($"$PvcSandboxCredential = $args[0]; Connect-PvcCluster '{endpoint}' -Credential $PvcSandboxCredential | Out-Null",
        new System.Management.Automation.PSCredential(admin.User, password)).ThrowIfErrors();
    if (file is not null || command is not null)
    {
        var result = session.Render(file is not null ? $". '{file.Replace("'", "''", StringComparison.Ordinal)}'" : command!);
        PrintErrors(result);
        return result.Errors.Count == 0 ? session.Host.ExitCode ?? 0 : 1;
    }
    Console.WriteLine("PowerShell (Pvc console host; Get-Command -Module Pvc lists the cmdlets; 'exit' leaves).");
    while (true)
    {
        Console.Write("PVC> ");
        var line = Console.ReadLine();
        if (line is null || line.Trim() is "exit" or "quit")
            return 0;
        if (line.Trim().Length == 0)
            continue;
        PrintErrors(session.Render(line));
    }
}

static void PrintErrors(PowerShellResult result)
{
    foreach (var error in result.Errors)
        Console.Error.WriteLine($"{error} ({error.FullyQualifiedErrorId})");
}
