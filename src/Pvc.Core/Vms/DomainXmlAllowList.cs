using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

/// <summary>
/// The parts of domain XML that reach into the host (<see cref="DomainXmlFeature"/>) which the cluster allows, as read
/// from <see cref="Path"/>, with the version read (so a write that relied on an allowance can check it still holds).
/// </summary>
/// <remarks>
/// <para>The key is Pvc's own, under PVC's <c>/config</c>: PVC 1.0.3 validates and migrates only the keys of its schema
/// and leaves other children alone, so its schema validation still passes, and <c>pvc cluster backup</c>/<c>restore</c>
/// carry it with the rest of the tree. A znode a cluster's own ACL covers, like every other.</para>
/// <para>Its value is a comma list (PVC's list format) of the names in <see cref="NameOf"/>; a missing key or an empty
/// value allows none (the default, also for a PVC cluster Pvc starts to manage), and a name this version does not know
/// (a newer Pvc's) allows nothing here.</para>
/// <para>The directories under which host paths are allowed (<see cref="Directories"/>) are a second key of the same
/// kind, <see cref="DirectoriesPath"/>: a comma list of absolute paths; an entry that is no <see cref="HostDirectory"/>
/// allows nothing.</para>
/// </remarks>
/// <param name="Features">The features allowed.</param>
/// <param name="Version">The key's data version as read; null when it does not exist.</param>
public sealed record DomainXmlAllowList(IReadOnlySet<DomainXmlFeature> Features, int? Version)
{
    /// <summary>The key: a comma list of allowed feature names, e.g. <c>hostdev,host-block-device</c>.</summary>
    public const string Path = BaseKeys.Config + "/domain_xml_allow";

    /// <summary>The key of the allowed host directories: a comma list, e.g. <c>/var/lib/pvc/images,/srv/iso</c>.</summary>
    public const string DirectoriesPath = BaseKeys.Config + "/domain_xml_paths";

    /// <summary>Nothing allowed, no key read.</summary>
    public static DomainXmlAllowList None { get; } = new(new HashSet<DomainXmlFeature>(), null);

    /// <summary>The directories under which domain XML may name host files, directories and sockets (<see cref="DomainXmlFeature.HostPath"/>).</summary>
    public IReadOnlyList<HostDirectory> Directories { get; init; } = [];

    /// <summary>The directories key's data version as read; null when it does not exist.</summary>
    public int? DirectoriesVersion { get; init; }

    private static readonly (DomainXmlFeature Feature, string Name)[] Names =
    [
        (DomainXmlFeature.QemuCommandLine, "qemu-commandline"),
        (DomainXmlFeature.HostDevice, "hostdev"),
        (DomainXmlFeature.HostBlockDevice, "host-block-device"),
        (DomainXmlFeature.HostPath, "host-path"),
        (DomainXmlFeature.Unconfined, "unconfined"),
    ];

    /// <summary>A feature's name in the stored list.</summary>
    public static string NameOf(DomainXmlFeature feature) =>
        Names.FirstOrDefault(n => n.Feature == feature).Name ?? throw new ArgumentOutOfRangeException(nameof(feature), feature, "No such feature.");

    /// <summary>The stored text of a set of features, in a fixed order.</summary>
    public static string Encode(IEnumerable<DomainXmlFeature> features)
    {
        var set = features.ToHashSet();
        return PvcList.EncodeComma(Names.Where(n => set.Contains(n.Feature)).Select(n => n.Name));
    }

    /// <summary>The features a stored text allows; names it does not know allow nothing.</summary>
    public static IReadOnlySet<DomainXmlFeature> Decode(string? text) =>
        PvcList.DecodeComma(text).SelectMany(t => Names.Where(n => string.Equals(n.Name, t, StringComparison.OrdinalIgnoreCase)).Select(n => n.Feature)).ToHashSet();

    /// <summary>The stored text of a list of directories.</summary>
    public static string EncodeDirectories(IEnumerable<HostDirectory> directories) =>
        PvcList.EncodeComma(directories.Select(d => d.Path).Distinct(StringComparer.Ordinal));

    /// <summary>The directories a stored text allows; an entry that is no plain absolute directory allows nothing.</summary>
    public static IReadOnlyList<HostDirectory> DecodeDirectories(string? text) =>
        [.. PvcList.DecodeComma(text).Where(t => t != "/" && HostDirectory.IsPlainAbsolute(t.TrimEnd('/'))).Select(HostDirectory.Parse)];

    /// <summary>True when the feature is allowed.</summary>
    public bool Allows(DomainXmlFeature feature) => Features.Contains(feature);

    /// <summary>True when the use is allowed: its feature, or for a host path, a directory that holds it.</summary>
    public bool Allows(DomainXmlUse use)
    {
        ArgumentNullException.ThrowIfNull(use);
        return Allows(use.Feature) || (use.HostPath is { } path && Directories.Any(d => d.Contains(path)));
    }

    /// <summary>
    /// The check a transaction carries when its decision relied on this list allowing something: it fails when the list
    /// was changed (or removed) since it was read. None when nothing was read.
    /// </summary>
    internal IEnumerable<Op> Checks =>
        (Version is int version ? [Op.Check(Path, version)] : Array.Empty<Op>())
        .Concat(DirectoriesVersion is int directories ? [Op.Check(DirectoriesPath, directories)] : Array.Empty<Op>());

    /// <summary>Reads the allow-list and its directories (one round trip).</summary>
    internal static async Task<DomainXmlAllowList> ReadAsync(ZooKeeperClient zk, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(zk);
        var batch = new ZnodeBatch(zk).Data(Path).Data(DirectoriesPath);
        await batch.ReadAsync(cancellationToken);
        return new DomainXmlAllowList(Decode(batch.Text(Path)), batch.StatOf(Path)?.Version)
        {
            Directories = DecodeDirectories(batch.Text(DirectoriesPath)),
            DirectoriesVersion = batch.StatOf(DirectoriesPath)?.Version,
        };
    }
}
