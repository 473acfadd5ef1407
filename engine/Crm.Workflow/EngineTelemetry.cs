using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Crm.Workflow;

/// <summary>
/// The engine's traces and metrics (source and meter "Crm", exported by the host's OpenTelemetry set-up):
/// one span per unit of work, counters for instances and tasks, and the step duration.
/// </summary>
public static class EngineTelemetry
{
    public const string Name = "Crm";

    public static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> InstancesStarted = Meter.CreateCounter<long>("crm.process.instances.started", description: "Process instances started");
    public static readonly Counter<long> InstancesEnded = Meter.CreateCounter<long>("crm.process.instances.ended", description: "Process instances that completed, terminated or were cancelled");
    public static readonly Counter<long> TasksCompleted = Meter.CreateCounter<long>("crm.tasks.completed", description: "User tasks completed");
    public static readonly Counter<long> StepConflicts = Meter.CreateCounter<long>("crm.process.step.conflicts", description: "Steps retried because another writer changed the instance first");
    public static readonly Counter<long> JobsExecuted = Meter.CreateCounter<long>("crm.jobs.executed", description: "Jobs executed");
    public static readonly Counter<long> JobsFailed = Meter.CreateCounter<long>("crm.jobs.failed", description: "Job attempts that failed");
    public static readonly Counter<long> IncidentsRaised = Meter.CreateCounter<long>("crm.incidents.raised", description: "Jobs whose retries ran out");
    public static readonly Histogram<double> TimerLag = Meter.CreateHistogram<double>("crm.timers.lag", unit: "ms", description: "Time from a timer's due moment to its execution");
    public static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>("crm.process.step.duration", unit: "ms", description: "Time to run and commit one step of an instance");
}
