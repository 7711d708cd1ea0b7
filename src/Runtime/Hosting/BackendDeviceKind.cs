namespace Llm.Runtime.Hosting;

/// <summary>ggml's <c>enum ggml_backend_dev_type</c>.</summary>
public enum BackendDeviceKind
{
    /// <summary>The CPU.</summary>
    Cpu = 0,

    /// <summary>A discrete GPU with its own memory.</summary>
    Gpu = 1,

    /// <summary>An integrated GPU sharing host memory.</summary>
    IntegratedGpu = 2,

    /// <summary>An accelerator used alongside the CPU (e.g. BLAS).</summary>
    Accelerator = 3,
}
