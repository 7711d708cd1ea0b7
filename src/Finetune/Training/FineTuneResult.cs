using Llm.Finetune.Adapters;

namespace Llm.Finetune.Training;

public sealed record FineTuneResult(Adapter Adapter, TrainingResult Training);
