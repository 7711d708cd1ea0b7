using Llm.Api.Contracts.FineTuning;
using Llm.Api.Errors;
using Llm.Finetune.Data;

namespace Llm.Api.FineTuning;

/// <summary>
/// The creation-time gate of <c>POST /v1/fine_tuning/jobs</c>: estimates the job from its files' recorded shapes
/// (<see cref="JobBudget"/>) and refuses one over the <see cref="JobLimits"/> with a 400 naming the hyper-parameter.
/// </summary>
public static class JobAdmission
{
    /// <summary>Throws a 400 <see cref="OpenAiException"/> when the job would be over a limit.</summary>
    /// <param name="request">The job request (its <c>model</c> embeds text rows).</param>
    /// <param name="method">The resolved method.</param>
    /// <param name="prefix">Where the request put the hyper-parameters.</param>
    /// <param name="training">The training file.</param>
    /// <param name="validation">The validation file, if any.</param>
    /// <param name="shapes">The files' shapes.</param>
    /// <param name="widths">Embedding widths of the served models.</param>
    /// <param name="limits">The server's limits.</param>
    /// <param name="cancellationToken">The request's abort token.</param>
    /// <remarks>
    /// A text job whose model's embedding width cannot be read from its GGUF header is let through: the runner
    /// checks again with the loaded model's width when the job starts.
    /// </remarks>
    public static async Task CheckAsync(FineTuningJobRequest request, JobMethod method, string prefix, StoredFile training, StoredFile? validation,
        DatasetShapes shapes, EmbeddingWidths widths, JobLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(shapes);
        ArgumentNullException.ThrowIfNull(widths);
        ArgumentNullException.ThrowIfNull(limits);
        if (limits.MaxAdapterParameters <= 0 && limits.MaxJobMemoryBytes <= 0) return;
        var train = await Shape(shapes, training, "training_file", cancellationToken);
        var valid = validation is null ? null : await Shape(shapes, validation, "validation_file", cancellationToken);
        var features = train.IsText ? widths.Of(request.Model!) : train.Features;
        if (features is not > 0) return;
        var hyperparameters = (method.Linear ?? method.Logistic ?? method.Mlp)!.Hyperparameters;
        var estimate = JobBudget.Estimate(train, valid, features.Value, method.Type, hyperparameters);
        if (JobBudget.Check(estimate, limits, method.Type, prefix, train.IsText) is { } violation)
            throw OpenAiException.InvalidRequest(violation.Message, violation.Param, violation.Code);
    }

    private static async Task<DatasetShape> Shape(DatasetShapes shapes, StoredFile file, string param, CancellationToken cancellationToken)
    {
        try
        {
            return await shapes.GetAsync(file, cancellationToken);
        }
        catch (Exception ex) when (ex is DatasetFormatException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw OpenAiException.InvalidRequest($"File {file.File.Id} can no longer be read as a dataset: {ex.Message}", param, "invalid_file");
        }
    }
}
