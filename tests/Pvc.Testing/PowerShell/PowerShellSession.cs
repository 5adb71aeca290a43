using System.Management.Automation;
using System.Management.Automation.Runspaces;
using PS = System.Management.Automation.PowerShell;

namespace Pvc.Testing.PowerShell;

/// <summary>
/// A runspace on the real PowerShell engine (System.Management.Automation) with the built module
/// imported from out/Pvc/Pvc.psd1, the way a user loads it. Runs scripts and returns every stream.
/// </summary>
public sealed class PowerShellSession : IDisposable
{
    private readonly Runspace _runspace;

    private PowerShellSession(Runspace runspace, RecordingHost host)
    {
        _runspace = runspace;
        Host = host;
    }

    /// <summary>The host, with what it recorded and its scripted prompt answers.</summary>
    public RecordingHost Host { get; }

    /// <summary>The module manifest of the build (out/Pvc/Pvc.psd1).</summary>
    public static string ModuleManifest => Path.Combine(RepositoryRoot.Path, "out", "Pvc", "Pvc.psd1");

    /// <summary>Opens a runspace and imports the module (unless <paramref name="importModule"/> is false).</summary>
    public static PowerShellSession Open(bool importModule = true)
    {
        var host = new RecordingHost();
        var state = InitialSessionState.CreateDefault2();
        var runspace = RunspaceFactory.CreateRunspace(host, state);
        runspace.Open();
        var session = new PowerShellSession(runspace, host);
        if (importModule)
        {
            if (!File.Exists(ModuleManifest))
                throw new FileNotFoundException($"The module is not built: {ModuleManifest} is missing; run ./build.sh build.", ModuleManifest);
            session.Run("Import-Module -Name $args[0] -ErrorAction Stop", ModuleManifest).ThrowIfErrors();
        }
        return session;
    }

    /// <summary>Runs a script (positional arguments are <c>$args</c>) and returns its streams.</summary>
    public PowerShellResult Run(string script, params object[] args) => Invoke(script, args, render: false);

    /// <summary>Runs a script piped to Out-Default and returns its streams; <see cref="PowerShellResult.HostText"/> holds the rendering.</summary>
    public PowerShellResult Render(string script, params object[] args) => Invoke(script, args, render: true);

    private PowerShellResult Invoke(string script, object[] args, bool render)
    {
        Host.Recorded.Clear();
        using var ps = PS.Create(_runspace);
        ps.AddScript(script);
        foreach (var a in args)
            ps.AddArgument(a);
        if (render)
            ps.AddCommand("Out-Default");
        var output = new List<PSObject>();
        var errors = new List<ErrorRecord>();
        try
        {
            output.AddRange(ps.Invoke());
        }
        catch (RuntimeException e)
        {
            errors.Add(e.ErrorRecord);
        }
        errors.InsertRange(0, ps.Streams.Error);
        var progress = ps.Streams.Progress.Concat(Host.Recorded.Progress).ToList();
        return new PowerShellResult(output, errors, [.. ps.Streams.Warning], progress, [.. ps.Streams.Information], Host.Recorded.Text)
        {
            Verbose = [.. ps.Streams.Verbose],
        };
    }

    /// <inheritdoc />
    public void Dispose() => _runspace.Dispose();
}
