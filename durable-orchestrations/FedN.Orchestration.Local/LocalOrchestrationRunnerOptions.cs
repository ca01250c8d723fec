using FedN.Storage;

namespace FedN.Orchestration.Local;

/// <summary>Settings of a <see cref="LocalOrchestrationRunner"/>.</summary>
public sealed class LocalOrchestrationRunnerOptions
{
    /// <summary>How long an instance's lease lasts without renewal: a standby takes over at most this long after the active runner dies (plus <see cref="PollInterval"/>).</summary>
    public TimeSpan LeaseDuration { get; init; } = Storage.LeaseDuration.Min;

    /// <summary>How often the runner looks for instances to take over, and for raised events from other processes.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The clock (tests may pass their own).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
