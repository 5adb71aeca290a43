namespace Pvc.Core.Storage;

/// <summary>
/// One RBD volume renamed within its pool. A VM's rename renames those named after it (PVC's rename_vm: a volume whose
/// name holds the VM's name gets the new name in its place, <c>vms/web1_disk0</c> to <c>vms/web2_disk0</c>).
/// </summary>
/// <param name="Pool">The volume's pool.</param>
/// <param name="Volume">Its name now.</param>
/// <param name="NewName">Its name after the rename.</param>
public sealed record VolumeRename(string Pool, string Volume, string NewName)
{
    /// <summary>"pool/volume" now.</summary>
    public string From => $"{Pool}/{Volume}";

    /// <summary>"pool/volume" after the rename.</summary>
    public string To => $"{Pool}/{NewName}";

    /// <inheritdoc />
    public override string ToString() => $"{From} -> {NewName}";
}
