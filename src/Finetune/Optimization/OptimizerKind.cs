namespace Llm.Finetune.Optimization;

public enum OptimizerKind
{
    Sgd,
    Momentum,
    Adam,
}
