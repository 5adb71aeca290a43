namespace Pvc.Core.Vms;

/// <summary>A VM tag.</summary>
/// <param name="Name">The tag.</param>
/// <param name="Type">"user" (PVC's only type in practice).</param>
/// <param name="Protected">A protected tag cannot be removed.</param>
public sealed record VmTag(string Name, string Type, bool Protected);
