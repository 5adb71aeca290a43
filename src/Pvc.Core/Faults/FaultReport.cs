namespace Pvc.Core.Faults;

/// <summary>A fault a check found this round, to be raised (or its last report renewed).</summary>
/// <param name="Id">The fault id, uppercase as PVC's (<see cref="FaultIds"/>).</param>
/// <param name="HealthDelta">What it takes off the cluster's health while unacknowledged.</param>
/// <param name="Message">What was found, for people (PVC's wording).</param>
public sealed record FaultReport(string Id, int HealthDelta, string Message);
