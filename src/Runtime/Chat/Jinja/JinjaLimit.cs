namespace Llm.Runtime.Chat.Jinja;

/// <summary>Which bound a template crossed (see <see cref="JinjaLimitException"/>).</summary>
public enum JinjaLimit
{
    /// <summary>Nesting: of the template's blocks and expressions, of evaluation (macro calls included), or of a value being printed or compared.</summary>
    Nesting,

    /// <summary>The render's step budget (<see cref="JinjaBudget.MaxSteps"/>).</summary>
    Steps,

    /// <summary>The render's output-size budget (<see cref="JinjaBudget.MaxOutputChars"/>), which also bounds every string or list the template builds.</summary>
    Output,
}
