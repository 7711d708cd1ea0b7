namespace Llm.Runtime.Chat.Jinja;

/// <summary>
/// Jinja2's default Undefined: prints as "", is falsy, iterates as empty, has length 0,
/// but fails when used as an operand, called, or asked for an attribute.
/// </summary>
internal sealed class Undefined
{
    // The message is built lazily because most undefined values are only tested, never reported.
    private readonly string name;
    private readonly string? ownerType;

    public Undefined(string name, string? ownerType = null)
    {
        this.name = name;
        this.ownerType = ownerType;
    }

    public static readonly Undefined Anonymous = new("value");

    public string Message => ownerType is null
        ? $"'{name}' is undefined"
        : $"'{ownerType}' object has no attribute '{name}'";

    public JinjaRuntimeException Fail() => new(Message);
}
