namespace Llm.Runtime; internal static class Placeholder { }
