namespace Pvc.NodeService.Ceph;

/// <summary>librbd's feature bits (RBD_FEATURE_*) by the names <c>rbd info</c> prints.</summary>
internal static class RbdFeatures
{
    private static readonly (ulong Bit, string Name)[] Names =
    [
        (1, "layering"), (2, "striping"), (4, "exclusive-lock"), (8, "object-map"), (16, "fast-diff"),
        (32, "deep-flatten"), (64, "journaling"), (128, "data-pool"), (256, "operations"), (512, "migrating"), (1024, "non-primary"),
    ];

    public static IReadOnlyList<string> ToNames(ulong features) => [.. Names.Where(n => (features & n.Bit) != 0).Select(n => n.Name)];
}
