using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

// Metadata and tags (vm.py modify_vm_metadata, modify_vm_tag).
public sealed partial class VmOperations
{
    /// <summary>Changes PVC's metadata of a VM in one transaction.</summary>
    public Task SetMetadataAsync(VmRef vm, VmMetadataChange change, CancellationToken cancellationToken = default) =>
        ModifyAsync(vm, change ?? throw new ArgumentNullException(nameof(change)), null, false, cancellationToken);

    private static List<Op> MetadataWrites(VmRef vm, VmMetadataChange change)
    {
        var writes = new List<Op>();
        if (change.NodeLimit is not null)
            writes.Add(Op.SetData(P(vm, DomainKeys.NodeLimit), Utf8(PvcList.EncodeComma(change.NodeLimit))));
        if (change.NodeSelector is { } selector)
            writes.Add(Op.SetData(P(vm, DomainKeys.NodeSelector), Utf8(Wire.NodeSelector.Encode(selector))));
        if (change.Autostart is { } autostart)
            writes.Add(Op.SetData(P(vm, DomainKeys.Autostart), Utf8(PvcBool.Encode(autostart))));
        if (change.Profile is not null)
            writes.Add(Op.SetData(P(vm, DomainKeys.Profile), Utf8(change.Profile)));
        if (change.MigrationMethod is { } method)
            writes.Add(Op.SetData(P(vm, DomainKeys.MigrationMethod), Utf8(Wire.MigrationMethod.Encode(method))));
        if (change.MigrationMaxDowntime is { } downtime)
            writes.Add(Op.SetData(P(vm, DomainKeys.MigrationMaxDowntime), Utf8(PvcNumber.Encode(downtime))));
        return writes;
    }

    /// <summary>
    /// The writes of a drain strategy (read with <paramref name="read"/>): live removes the VM's record, the others write
    /// it, creating <c>/placement</c> and <c>/placement/drain</c> when missing (a folder created meanwhile fails the commit).
    /// </summary>
    private static IEnumerable<Op> DrainWrites(VmRef vm, VersionedKeys read, Placement.DrainStrategy strategy)
    {
        var key = Placement.PlacementRuleKeys.DrainOf(vm.Uuid);
        if (strategy == Placement.DrainStrategy.Live)
        {
            if (read.VersionOf(key) >= 0)
                yield return Op.Delete(key, read.VersionOf(key));
            yield break;
        }
        var text = Utf8(Placement.DrainStrategies.Encode(strategy));
        if (read.VersionOf(key) >= 0)
        {
            yield return Op.SetData(key, text);
            yield break;
        }
        foreach (var folder in new[] { Placement.PlacementRuleKeys.Root, Placement.PlacementRuleKeys.Drain })
            if (read.VersionOf(folder) < 0)
                yield return Op.Create(folder, ReadOnlyMemory<byte>.Empty);
        yield return Op.Create(key, text);
    }

    /// <summary>Adds a user tag (or updates its protected flag).</summary>
    public async Task AddTagAsync(VmRef vm, string tag, bool isProtected = false, CancellationToken cancellationToken = default)
    {
        ValidateTag(tag);
        var read = await ReadAsync(vm, cancellationToken);
        var exists = await Zk.ExistsAsync(DomainKeys.TagPath(vm.Uuid, tag), cancellationToken: cancellationToken) is not null;
        await CommitAsync(vm, read, exists
            ? [Op.SetData(DomainKeys.TagPath(vm.Uuid, tag, DomainKeys.TagProtected), Utf8(PvcBool.Encode(isProtected)))]
            : TagCreates(vm, tag, isProtected), cancellationToken);
    }

    /// <summary>Removes a tag; protected tags and tags of another type are refused.</summary>
    public async Task RemoveTagAsync(VmRef vm, string tag, CancellationToken cancellationToken = default)
    {
        ValidateTag(tag);
        var read = await ReadAsync(vm, cancellationToken);
        var tagKeys = await Reading.VersionedKeys.ReadAsync(Zk,
            [DomainKeys.TagPath(vm.Uuid, tag), DomainKeys.TagPath(vm.Uuid, tag, DomainKeys.TagType), DomainKeys.TagPath(vm.Uuid, tag, DomainKeys.TagProtected)], cancellationToken);
        if (tagKeys[DomainKeys.TagPath(vm.Uuid, tag)] is null)
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.TagNotFound, $"The VM '{vm.Name}' has no tag '{tag}'.") { Target = vm.Name };
        if ((tagKeys[DomainKeys.TagPath(vm.Uuid, tag, DomainKeys.TagType)] ?? "user") != "user")
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.TagNotUser, $"The tag '{tag}' of the VM '{vm.Name}' is not a user tag and cannot be removed.") { Target = vm.Name };
        if (PvcBool.Decode(tagKeys[DomainKeys.TagPath(vm.Uuid, tag, DomainKeys.TagProtected)]))
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.TagProtected, $"The tag '{tag}' of the VM '{vm.Name}' is protected and cannot be removed.") { Target = vm.Name };
        var tree = await SubtreeAsync(DomainKeys.TagPath(vm.Uuid, tag), cancellationToken);
        await CommitAsync(vm, read, tagKeys.Checks.Concat(tree.OrderByDescending(p => p.Length).Select(p => Op.Delete(p))), cancellationToken);
    }

    private static IEnumerable<Op> TagCreates(VmRef vm, string tag, bool isProtected) =>
    [
        Op.Create(DomainKeys.TagPath(vm.Uuid, tag), Utf8(tag)),
        Op.Create(DomainKeys.TagPath(vm.Uuid, tag, DomainKeys.TagType), Utf8("user")),
        Op.Create(DomainKeys.TagPath(vm.Uuid, tag, DomainKeys.TagProtected), Utf8(PvcBool.Encode(isProtected))),
    ];

    private static void ValidateTag(string tag)
    {
        if (string.IsNullOrWhiteSpace(tag) || tag != tag.Trim())
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidTag, $"The tag '{tag}' is empty or has surrounding white space.") { Target = tag };
        if (tag.Any(c => c is '/' or '\\' || char.IsControl(c)))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidTag, $"The tag '{string.Concat(tag.Select(c => char.IsControl(c) ? '?' : c))}' contains a path separator or a control character.") { Target = tag };
        if (tag is "." or ".." || LockNodes.IsLockNode(tag))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidTag, $"'{tag}' is not a usable tag name.") { Target = tag };
        // a tag is a znode (/domains/<uuid>/tags/<tag>): what ZooKeeper refuses in a path is refused here, as input
        if (!ZnodeName.IsValid(tag))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidTag, $"The tag '{tag}' has a character ZooKeeper does not take in a name (a character beyond U+FFFF such as an emoji, a private-use character, or U+FFF0 to U+FFFF).") { Target = tag };
    }
}
