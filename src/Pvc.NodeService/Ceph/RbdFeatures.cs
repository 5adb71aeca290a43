namespace Pvc.NodeService.Ceph;

/// <summary>librbd's feature bits (RBD_FEATURE_*) by the names <c>rbd info</c> prints.</summary>
internal static class RbdFeatures
{
    private static readonly (ulong Bit, string Name)[] Names =
    [
        (1, "layering"), (2, "striping"), (4, "exclusive-lock"), (8, "object-map"), (16, "fast-diff"),
        (32, "deep-flatten"), (64, "journaling"), (128, "data-pool"), (256, "operations"), (512, "migrating"), (1024, "non-primary"),
    ];

    private static readonly (ulong Bit, string Name)[] OpNames = [(1, "clone-parent"), (2, "clone-child"), (4, "group"), (8, "snap-trash")];

    private static readonly (ulong Bit, string Name)[] FlagNames = [(1, "object map invalid"), (2, "fast diff invalid")];

    public static IReadOnlyList<string> ToNames(ulong features) => [.. Names.Where(n => (features & n.Bit) != 0).Select(n => n.Name)];

    /// <summary>RBD_OPERATION_FEATURE_* by rbd info's names.</summary>
    public static IReadOnlyList<string> OperationNames(ulong features) => [.. OpNames.Where(n => (features & n.Bit) != 0).Select(n => n.Name)];

    /// <summary>RBD_FLAG_* by rbd info's names.</summary>
    public static IReadOnlyList<string> FlagNamesOf(ulong flags) => [.. FlagNames.Where(n => (flags & n.Bit) != 0).Select(n => n.Name)];
}
