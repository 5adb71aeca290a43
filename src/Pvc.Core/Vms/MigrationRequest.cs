namespace Pvc.Core.Vms;

/// <summary>A placement change.</summary>
/// <param name="Kind">Migrate (temporary), move (permanent) or unmigrate (return).</param>
/// <param name="Target">The target node; null chooses one by the VM's selector (not used by unmigrate).</param>
/// <param name="Force">Migrate: allow a VM that is already migrated (its original last node is kept).</param>
/// <param name="Live">Live only, no shutdown fallback (state "migrate-live").</param>
/// <param name="ImposedMethod">The method the sender uses for this migration in place of the VM's own (a flush's drain
/// strategy: restart goes by shutdown), recorded beside PVC's keys in the migration's transaction
/// (<see cref="Placement.PlacementRuleKeys.ImposedOf"/>), so that a sender whose service restarts still uses it.</param>
public sealed record MigrationRequest(MigrationKind Kind, string? Target = null, bool Force = false, bool Live = false, Schema.MigrationMethod? ImposedMethod = null);
