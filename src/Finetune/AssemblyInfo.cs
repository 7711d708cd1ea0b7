using System.Runtime.CompilerServices;

// The tests compare the internal GEMM kernel against a naive product on awkward shapes.
[assembly: InternalsVisibleTo("Llm.Finetune.Tests")]
