// Chat-template rendering speed: each of ../shared/templates parsed once, then every golden conversation it
// accepts rendered many times. Prints a Markdown table of microseconds per render (median of rounds).
using System.Diagnostics;
using System.Text.Json;
using Llm.Runtime.Chat.Jinja;

var folder = args.Length > 0 ? args[0] : FindSharedTemplates();
var cases = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "cases.json"))).RootElement.GetProperty("cases");
var clock = new FixedClock(new DateTimeOffset(2024, 7, 26, 0, 0, 0, TimeSpan.Zero));
const int Rounds = 7, RendersPerRound = 500;

Console.WriteLine("| template | parse (µs, once) | render (µs, median) | output chars |");
Console.WriteLine("|---|---:|---:|---:|");
foreach (var group in cases.EnumerateArray().Where(c => c.GetProperty("error").ValueKind == JsonValueKind.Null).GroupBy(c => c.GetProperty("template").GetString()!))
{
    var source = File.ReadAllText(Path.Combine(folder, group.Key));
    var parse = Stopwatch.StartNew();
    var template = JsonTemplate(source, clock);
    var parseMicros = parse.Elapsed.TotalMicroseconds;

    var inputs = group.Select(Variables).ToArray();
    foreach (var input in inputs) template.Render(input); // warm up
    var rounds = new double[Rounds];
    var chars = 0;
    for (var r = 0; r < Rounds; r++)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < RendersPerRound; i++) chars = template.Render(inputs[i % inputs.Length]).Length;
        rounds[r] = watch.Elapsed.TotalMicroseconds / RendersPerRound;
    }
    Array.Sort(rounds);
    Console.WriteLine($"| {group.Key} | {parseMicros:F0} | {rounds[Rounds / 2]:F1} | {chars} |");
}

static JinjaTemplate JsonTemplate(string source, TimeProvider clock) => JinjaTemplate.Parse(source, new JinjaOptions { Clock = clock });

static Dictionary<string, object?> Variables(JsonElement c) => new()
{
    ["messages"] = c.GetProperty("messages"),
    ["tools"] = c.GetProperty("tools").ValueKind == JsonValueKind.Null ? null : c.GetProperty("tools"),
    ["add_generation_prompt"] = c.GetProperty("add_generation_prompt").GetBoolean(),
    ["bos_token"] = c.GetProperty("bos_token").GetString() ?? string.Empty,
    ["eos_token"] = c.GetProperty("eos_token").GetString() ?? string.Empty,
};

static string FindSharedTemplates()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Llm.sln"))) return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "templates"));
    }
    throw new DirectoryNotFoundException("Pass the templates folder (../shared/templates) as the first argument.");
}

internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
