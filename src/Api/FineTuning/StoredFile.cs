using Llm.Api.Contracts.FineTuning;
using Llm.Finetune.Data;

namespace Llm.Api.FineTuning;

/// <summary>An uploaded file's record on disk: the wire object plus what parsing it at upload time found.</summary>
/// <param name="File">The OpenAI file object.</param>
/// <param name="IsText">Whether rows carry text (embedded by a base model) rather than feature arrays.</param>
/// <param name="Kind">Classification (labels) or regression (targets).</param>
/// <param name="Rows">Data rows.</param>
/// <param name="Features">Features per row (0 for text, and in records written before it was recorded).</param>
/// <param name="Classes">Distinct labels (0 for regression, and in records written before it was recorded).</param>
public sealed record StoredFile(FileObject File, bool IsText, ProblemKind Kind, int Rows, int Features = 0, int Classes = 0);
