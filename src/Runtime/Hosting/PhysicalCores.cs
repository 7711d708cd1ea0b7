namespace Llm.Runtime.Hosting;

/// <summary>
/// Counts physical CPU cores. llama.cpp runs best with one thread per physical core; LLamaSharp's default
/// (logical processors / 2) halves throughput on machines without SMT.
/// </summary>
public static class PhysicalCores
{
    private static readonly Lazy<int> s_count = new(Detect);

    /// <summary>Gets the number of physical cores, or the logical processor count where it cannot be read.</summary>
    public static int Count => s_count.Value;

    private static int Detect()
    {
        try
        {
            if (OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo")) return Math.Clamp(FromCpuInfo(File.ReadLines("/proc/cpuinfo")), 1, Environment.ProcessorCount);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return Environment.ProcessorCount;
    }

    /// <summary>Counts distinct (physical id, core id) pairs in /proc/cpuinfo text; 0 when it has none.</summary>
    internal static int FromCpuInfo(IEnumerable<string> lines)
    {
        var cores = new HashSet<(string, string)>();
        string physical = "0";
        foreach (var line in lines)
        {
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (key == "physical id") physical = value;
            else if (key == "core id") cores.Add((physical, value));
        }
        return cores.Count == 0 ? Environment.ProcessorCount : cores.Count;
    }
}
