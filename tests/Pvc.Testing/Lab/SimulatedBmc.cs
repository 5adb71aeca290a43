using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Pvc.Testing.Lab;

/// <summary>
/// A node's BMC: OpenIPMI's <c>ipmi_sim</c> on a loopback UDP port, speaking IPMI 2.0 (RMCP+) as a real BMC does.
/// Its chassis hook makes power real for the lab: "power off" (and reset) SIGKILLs the processes the node is made of
/// (<see cref="PowerControls"/>: its node service and its hypervisor), "power on" only turns the power back on (the
/// node stays down, as a host still booting). Every hook call is logged, so a test can tell whether and when it fenced.
/// </summary>
public sealed class SimulatedBmc : IDisposable
{
    private readonly string _directory;
    private readonly Process _process;
    private bool _disposed;

    private SimulatedBmc(string directory, int port, string user, string password, Process process)
    {
        _directory = directory;
        Port = port;
        User = user;
        Password = password;
        _process = process;
    }

    /// <summary>The UDP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The IPMI address a node's <c>fencing.ipmi.hostname</c> takes.</summary>
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>The administrator's user name.</summary>
    public string User { get; }

    /// <summary>The administrator's password.</summary>
    public string Password { get; }

    /// <summary>True while the chassis power is on.</summary>
    public bool PowerIsOn => File.Exists(Path.Combine(_directory, "power"));

    /// <summary>The chassis hook's calls so far, one a line ("get power", "set power 0", ...).</summary>
    public IReadOnlyList<string> Calls => File.Exists(CallLog) ? File.ReadAllLines(CallLog) : [];

    private string CallLog => Path.Combine(_directory, "calls.log");

    /// <summary>Starts a BMC for <paramref name="node"/> in <paramref name="directory"/>, chassis powered on.</summary>
    public static async Task<SimulatedBmc> StartAsync(string directory, string node, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.Combine(directory, "state"));
        var port = FreeUdpPort();
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
        // the system GUID it reports (ipmitool mc guid): each machine's own, as the fencer's identity check expects
        var guid = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        File.WriteAllText(Path.Combine(directory, "node.emu"), """
            mc_setbmc 0x20
            mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02
            mc_enable 0x20

            """);
        var hook = Path.Combine(directory, "chassis.sh");
        File.WriteAllText(hook, $$"""
            #!/bin/sh
            # ipmi_sim chassis hook: <node> get power|boot ..., <node> set power 0|1, set reset 1, set boot X
            D='{{directory}}'; op=$2; shift 2
            # one call at a time, and none while a test holds the power (HoldPower: a node booting under it)
            exec 9>"$D/power.lock"; flock 9
            # the node's processes: those PowerControls named, and the QEMUs whose pid files are in the folders
            # PowerControlsPidFiles named (a pid file's number is taken only while it is a QEMU's)
            off() {
              p=$(cat "$D/pids" 2>/dev/null)
              if [ -s "$D/piddirs" ]; then for d in $(cat "$D/piddirs"); do for f in "$d"/*.pid; do
                [ -s "$f" ] || continue; q=$(cat "$f"); grep -qa qemu "/proc/$q/cmdline" 2>/dev/null && p="$p $q"
              done; done; fi
              [ -n "$p" ] && kill -9 $p 2>/dev/null
              return 0
            }
            echo "$op $*" >> "$D/calls.log"
            case $op in
              get) for p; do case $p in
                     power) if [ -e "$D/power" ]; then echo power:1; else echo power:0; fi ;;
                     boot) echo boot:default ;;
                     *) echo "Invalid parameter: $p"; exit 1 ;;
                   esac; done ;;
              set) while [ $# -ge 2 ]; do p=$1; v=$2; shift 2; case $p in
                     power) if [ "$v" = 1 ]; then touch "$D/power"; else off; rm -f "$D/power"; fi ;;
                     reset) off ;;
                     boot) ;;
                     *) echo "Invalid parameter: $p"; exit 1 ;;
                   esac; done ;;
              *) exit 1 ;;
            esac
            exit 0

            """);
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("The simulated BMC runs on Linux only.");
        File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var lan = Path.Combine(directory, "lan.conf");
        File.WriteAllText(lan, "");
        // the password is a secret: the file is the owner's only
        File.SetUnixFileMode(lan, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(lan, $"""
            name "{node}"
            set_working_mc 0x20
              startlan 1
                addr 127.0.0.1 {port}
                priv_limit admin
                allowed_auths_callback none md5
                allowed_auths_user md5
                allowed_auths_operator md5
                allowed_auths_admin md5
                guid {guid}
              endlan
              chassis_control "{hook} {node}"
              user 2 true "admin" "{password}" admin 10 md5

            """);
        File.WriteAllText(Path.Combine(directory, "power"), "");
        var psi = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", $"exec /usr/bin/ipmi_sim -n -c '{lan}' -f '{directory}/node.emu' -s '{directory}/state' >'{directory}/ipmi_sim.log' 2>&1" },
            UseShellExecute = false,
        };
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start ipmi_sim (is the openipmi package installed?).");
        var bmc = new SimulatedBmc(directory, port, "admin", password, process);
        try
        {
            await bmc.WaitAnsweringAsync(cancellationToken);
        }
        catch
        {
            bmc.Dispose();
            throw;
        }
        return bmc;
    }

    /// <summary>How many times the chassis was asked to power off or reset (each kills the node's processes).</summary>
    public int PowerCuts => Calls.Count(c => c.StartsWith("set power 0", StringComparison.Ordinal) || c.StartsWith("set reset", StringComparison.Ordinal));

    /// <summary>
    /// Holds the chassis as it is until disposed: the BMC's power calls wait meanwhile (the chassis hook takes the same
    /// lock). A test boots a node under it: it reads <see cref="PowerIsOn"/>, starts the processes and names them with
    /// <see cref="PowerControls"/>, and no power-off can fall between and miss a process.
    /// </summary>
    public async Task<IDisposable> HoldPowerAsync(CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(_directory, "power.lock");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                // FileShare.None is flock(LOCK_EX | LOCK_NB) on Linux, the lock flock(1) takes in the hook
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                // the hook is running a call: it holds the lock for as long as one kill takes
            }
            try
            {
                await Task.Delay(10, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"the BMC's power lock {path} stayed taken for 30 s (a chassis call hung?)");
            }
        }
    }

    /// <summary>Names the processes that power off kills.</summary>
    public void PowerControls(params int[] pids) =>
        File.WriteAllText(Path.Combine(_directory, "pids"), string.Join(' ', pids));

    /// <summary>
    /// Power off (and reset) also kills the QEMUs whose pid files (<c>*.pid</c>) are in <paramref name="directories"/>
    /// when it is made: a QEMU lab host's guests, started after the node, which run on while its libvirtd is down.
    /// </summary>
    public void PowerControlsPidFiles(params string[] directories)
    {
        ArgumentNullException.ThrowIfNull(directories);
        if (directories.Any(d => d.Any(char.IsWhiteSpace)))
            throw new ArgumentException("The hook splits the folders at white space.", nameof(directories));
        File.WriteAllText(Path.Combine(_directory, "piddirs"), string.Join('\n', directories));
    }

    /// <summary>A BMC that stops answering (SIGSTOP), until <see cref="Answer"/>.</summary>
    public void Hang() => Signal("STOP");

    /// <summary>Answers again (SIGCONT).</summary>
    public void Answer() => Signal("CONT");

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Asks for the power status with ipmitool, as the node service does, until the BMC answers.</summary>
    private async Task WaitAnsweringAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"ipmi_sim exited: {File.ReadAllText(Path.Combine(_directory, "ipmi_sim.log"))}");
            var psi = new ProcessStartInfo("/usr/bin/ipmitool") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "-I", "lanplus", "-C", "3", "-N", "1", "-R", "1", "-H", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", User, "-E", "chassis", "power", "status" })
                psi.ArgumentList.Add(a);
            psi.Environment["IPMI_PASSWORD"] = Password;
            using var tool = Process.Start(psi) ?? throw new InvalidOperationException("Could not start ipmitool (is the ipmitool package installed?).");
            var output = await tool.StandardOutput.ReadToEndAsync(cancellationToken);
            await tool.WaitForExitAsync(cancellationToken);
            if (output.Contains("Chassis Power is on", StringComparison.Ordinal))
                return;
            if (clock.Elapsed > TimeSpan.FromSeconds(20))
                throw new TimeoutException($"ipmi_sim on UDP port {Port} did not answer within 20 s");
            await Task.Delay(50, cancellationToken);
        }
    }

    private static int FreeUdpPort()
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
    }

    /// <summary>Kills ipmi_sim; a second call does nothing (a lab and the test that shares its BMCs may both dispose it).</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (!_process.HasExited)
        {
            Signal("CONT");
            _process.Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
