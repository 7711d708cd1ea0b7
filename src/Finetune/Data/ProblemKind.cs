namespace Llm.Finetune.Data;

/// <summary>Whether rows carry a class label or a real-valued target.</summary>
public enum ProblemKind
{
    Classification,
    Regression,
}
