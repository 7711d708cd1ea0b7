using Llm.Api.Contracts.FineTuning;
using Llm.Finetune.Data;

namespace Llm.Api.FineTuning;

/// <summary>An uploaded file's record on disk: the wire object plus what parsing it at upload time found.</summary>
/// <param name="File">The OpenAI file object.</param>
/// <param name="IsText">Whether rows carry text (embedded by a base model) rather than feature arrays.</param>
/// <param name="Kind">Classification (labels) or regression (targets).</param>
/// <param name="Rows">Data rows.</param>
public sealed record StoredFile(FileObject File, bool IsText, ProblemKind Kind, int Rows);
