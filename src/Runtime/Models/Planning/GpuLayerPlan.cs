namespace Llm.Runtime.Models.Planning;

/// <summary>How many layers to offload and why.</summary>
/// <param name="Layers">The value for llama.cpp's <c>n_gpu_layers</c>: repeating layers, plus one when the output head fits too.</param>
/// <param name="DeviceBytes">The bytes the plan puts on the device (weights, their KV cache and the reserve).</param>
/// <param name="Reason">One line for the log.</param>
public sealed record GpuLayerPlan(int Layers, long DeviceBytes, string Reason);
