namespace Llm.Runtime.Hosting;

/// <summary>One ggml backend device as llama.cpp registered it.</summary>
/// <param name="Name">The device name, e.g. <c>CUDA0</c> or <c>CPU</c>.</param>
/// <param name="Description">The device description, e.g. the GPU model.</param>
/// <param name="Kind">What kind of device it is.</param>
/// <param name="FreeBytes">Free memory; 0 when unknown.</param>
/// <param name="TotalBytes">Total memory; 0 when unknown.</param>
public sealed record BackendDevice(string Name, string Description, BackendDeviceKind Kind, long FreeBytes, long TotalBytes);
