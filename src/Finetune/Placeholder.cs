namespace Llm.Finetune; internal static class Placeholder { }
