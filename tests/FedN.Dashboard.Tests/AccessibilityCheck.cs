using System.Text.Json;
using FedN.Testing;
using Microsoft.Playwright;

namespace FedN.Dashboard.Tests;

/// <summary>
/// axe-core (npm, pinned in package.json) run in the page: WCAG 2.1 A and AA rules, contrast and
/// labels among them. Serious and critical violations fail the test with each rule and element.
/// </summary>
internal static class AccessibilityCheck
{
    private static readonly Lazy<string> Axe = new(() =>
    {
        var path = Path.Combine(RepositoryRoot.Path, "node_modules", "axe-core", "axe.min.js");
        Assert.True(File.Exists(path), $"{path} is missing: run npm ci (scripts/build-dashboard.sh does)");
        return File.ReadAllText(path);
    });

    public static async Task AssertNoSeriousViolationsAsync(IPage page)
    {
        await page.EvaluateAsync(Axe.Value);
        var violations = await page.EvaluateAsync<JsonElement>("""
            async () => (await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }))
              .violations.filter(v => v.impact === "serious" || v.impact === "critical")
              .map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join("; ")}`)
            """);
        var found = violations.EnumerateArray().Select(violation => violation.GetString()).ToList();
        Assert.True(found.Count == 0, $"accessibility violations on {page.Url}:\n{string.Join("\n", found)}");
    }
}
