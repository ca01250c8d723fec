namespace FedN.Testing.Shared;

/// <summary>A clock stopped at one instant. Compiled into each test project that needs it.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
