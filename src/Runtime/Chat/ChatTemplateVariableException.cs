namespace Llm.Runtime.Chat;

/// <summary>
/// Extra template variables (<see cref="ChatRenderOptions.TemplateVariables"/>) that cannot be used: a name the
/// renderer sets itself, values nested too deep or too large, or variables for a template that cannot read any.
/// </summary>
/// <param name="message">What is wrong, naming the variable.</param>
/// <param name="name">The variable at fault, or null when the fault is not one variable's.</param>
public sealed class ChatTemplateVariableException(string message, string? name = null) : Exception(message)
{
    /// <summary>Gets the name of the variable at fault, or null when the fault is not one variable's.</summary>
    public string? Name { get; } = name;
}
