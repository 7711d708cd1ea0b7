namespace Llm.Finetune.Models;

/// <summary>The model families this library trains; stored in adapter files.</summary>
public enum ModelKind
{
    LinearRegression,
    LogisticRegression,
    Mlp,
}
