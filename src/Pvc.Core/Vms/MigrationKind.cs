namespace Pvc.Core.Vms;

/// <summary>Which of PVC's three placement changes.</summary>
public enum MigrationKind
{
    /// <summary>Temporary: the VM remembers its node (last node) to return to.</summary>
    Migrate,
    /// <summary>Permanent: the VM forgets its last node.</summary>
    Move,
    /// <summary>Back to the last node.</summary>
    Unmigrate,
}
