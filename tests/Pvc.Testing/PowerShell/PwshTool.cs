namespace Pvc.Testing.PowerShell;

/// <summary>
/// Real pwsh 7.6.9, installed by build/deps.sh as a .NET tool in the repository's .tools folder, and the Pester 5.7.1
/// module the build restores as a NuGet package download (tests/Pvc.Testing/Pvc.Testing.csproj).
/// </summary>
public static class PwshTool
{
    /// <summary>The pwsh executable.</summary>
    public static string Path => System.IO.Path.Combine(RepositoryRoot.Path, ".tools", "pwsh");

    /// <summary>Pester's module manifest, in the NuGet package folder (NUGET_PACKAGES, else ~/.nuget/packages).</summary>
    public static string PesterManifest => System.IO.Path.Combine(
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
            ? packages
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        "pester", "5.7.1", "tools", "Pester.psd1");
}
