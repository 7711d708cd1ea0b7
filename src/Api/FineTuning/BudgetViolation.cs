namespace Llm.Api.FineTuning;

/// <summary>Why a job is over a <see cref="JobLimits"/> bound: the message, the parameter to change and a code.</summary>
/// <param name="Message">A sentence with the estimate, the limit and the flag that sets it.</param>
/// <param name="Param">The request parameter responsible, e.g. <c>method.mlp.hyperparameters.hidden_layers</c>.</param>
/// <param name="Code"><c>too_many_parameters</c> or <c>job_memory_exceeded</c>.</param>
public sealed record BudgetViolation(string Message, string Param, string Code);
