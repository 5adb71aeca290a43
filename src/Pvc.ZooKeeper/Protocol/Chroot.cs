namespace Pvc.ZooKeeper.Protocol;

/// <summary>Maps the client's paths to the server's under a chroot, and back.</summary>
internal sealed class Chroot(string? prefix)
{
    public string? Prefix { get; } = prefix;

    public string ToServer(string clientPath) =>
        Prefix is null ? clientPath : clientPath == "/" ? Prefix : Prefix + clientPath;

    public string ToClient(string serverPath)
    {
        if (Prefix is null)
            return serverPath;
        if (serverPath.Length == Prefix.Length)
            return "/";
        return serverPath.StartsWith(Prefix, StringComparison.Ordinal) ? serverPath[Prefix.Length..] : serverPath;
    }
}
