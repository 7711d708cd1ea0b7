namespace Llm.Finetune.Adapters;

public readonly record struct LabelProbability(string Label, float Probability);
