using System.Runtime.InteropServices;
using LLama.Native;

namespace Llm.Runtime.Hosting;

/// <summary>
/// Lists the devices llama.cpp's ggml backend registry knows, with their free memory. LLamaSharp 0.30 binds
/// <c>ggml_backend_dev_count/get/name</c> but not <c>ggml_backend_dev_memory</c>, <c>_type</c> or
/// <c>_description</c>; those are looked up in the native library LLamaSharp already loaded, so they come from
/// the same ggml instance (a second copy would have its own, empty registry).
/// </summary>
public static unsafe class BackendDevices
{
    private static readonly Lazy<Exports?> s_exports = new(LoadExports);

    /// <summary>Lists the registered devices; loads the native library if it is not loaded yet.</summary>
    public static IReadOnlyList<BackendDevice> List()
    {
        var count = (int)NativeApi.ggml_backend_dev_count();
        var devices = new List<BackendDevice>(count);
        var exports = s_exports.Value;
        for (var i = 0; i < count; i++)
        {
            var device = NativeApi.ggml_backend_dev_get((nuint)i);
            var name = Marshal.PtrToStringUTF8(NativeApi.ggml_backend_dev_name(device)) ?? $"device{i}";
            var kind = BackendDeviceKind.Cpu;
            var description = name;
            nuint free = 0, total = 0;
            if (exports is { } e)
            {
                kind = (BackendDeviceKind)e.Type(device);
                description = Marshal.PtrToStringUTF8(e.Description(device)) ?? name;
                e.Memory(device, &free, &total);
            }
            else if (name.StartsWith("CUDA", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Vulkan", StringComparison.OrdinalIgnoreCase))
            {
                kind = BackendDeviceKind.Gpu;
            }
            devices.Add(new BackendDevice(name, description, kind, (long)free, (long)total));
        }
        return devices;
    }

    /// <summary>Gets the GPU devices' free memory in bytes, summed; 0 when llama.cpp has no GPU device.</summary>
    public static long FreeGpuBytes(IReadOnlyList<BackendDevice> devices)
        => devices.Where(d => d.Kind == BackendDeviceKind.Gpu).Sum(d => d.FreeBytes);

    /// <summary>One line naming the backend llama.cpp actually uses, for the start-up log.</summary>
    public static string Describe(IReadOnlyList<BackendDevice> devices)
    {
        var gpus = devices.Where(d => d.Kind is BackendDeviceKind.Gpu or BackendDeviceKind.IntegratedGpu).ToArray();
        if (gpus.Length == 0)
        {
            return "CPU only: llama.cpp registered no GPU device. If a GPU was expected, build with -p:LlmBackend=Cuda12 "
                   + "and make sure CUDA is detected (set CUDA_VERSION; LLamaSharp otherwise falls back to the CPU silently).";
        }
        return "GPU: " + string.Join(", ", gpus.Select(d => $"{d.Name} ({d.Description}, {d.FreeBytes / (1024 * 1024)} of {d.TotalBytes / (1024 * 1024)} MiB free)"));
    }

    private static Exports? LoadExports()
    {
        var assembly = typeof(NativeApi).Assembly;
        foreach (var library in (string[])["ggml-base", "ggml", "llama"])
        {
            if (!NativeLibrary.TryLoad(library, assembly, null, out var handle)) continue;
            if (NativeLibrary.TryGetExport(handle, "ggml_backend_dev_memory", out var memory)
                && NativeLibrary.TryGetExport(handle, "ggml_backend_dev_type", out var type)
                && NativeLibrary.TryGetExport(handle, "ggml_backend_dev_description", out var description))
            {
                return new Exports(
                    (delegate* unmanaged[Cdecl]<IntPtr, nuint*, nuint*, void>)memory,
                    (delegate* unmanaged[Cdecl]<IntPtr, int>)type,
                    (delegate* unmanaged[Cdecl]<IntPtr, IntPtr>)description);
            }
        }
        return null;
    }

    private sealed class Exports(
        delegate* unmanaged[Cdecl]<IntPtr, nuint*, nuint*, void> memory,
        delegate* unmanaged[Cdecl]<IntPtr, int> type,
        delegate* unmanaged[Cdecl]<IntPtr, IntPtr> description)
    {
        public void Memory(IntPtr device, nuint* free, nuint* total) => memory(device, free, total);

        public int Type(IntPtr device) => type(device);

        public IntPtr Description(IntPtr device) => description(device);
    }
}
