using Xunit;

namespace FedN.Testing;

/// <summary>Waiting, in tests, for something a server does in the background.</summary>
public static class Poll
{
    /// <summary>
    /// Checks <paramref name="condition"/> every <paramref name="interval"/> (100 ms by default) until it
    /// holds, failing the test after <paramref name="timeout"/>. Exceptions that <paramref name="transient"/>
    /// accepts count as "not yet" (a server that is restarting).
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<Exception, bool>? transient = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception error) when (transient?.Invoke(error) == true && DateTime.UtcNow < deadline)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100));
        }
    }
}
