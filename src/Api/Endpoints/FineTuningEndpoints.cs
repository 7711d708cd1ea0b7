using Llm.Api.Contracts;
using Llm.Api.Contracts.FineTuning;
using Llm.Api.Errors;
using Llm.Api.FineTuning;
using Llm.Api.Tenancy;
using Llm.Runtime.Errors;
using Llm.Runtime.Models;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Llm.Api.Endpoints;

/// <summary>
/// <c>/v1/fine_tuning/jobs</c>: create, list (cursor pagination), get, events and cancel. A job belongs to the
/// caller's tenant and trains only on files that tenant sees; other tenants get the same 404 as for an id that
/// never existed, and their lists leave it out. Admins see and cancel every tenant's jobs.
/// </summary>
public static class FineTuningEndpoints
{
    private const int DefaultPage = 20;
    private const int MaxPage = 100;

    public static IEndpointRouteBuilder MapFineTuning(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/fine_tuning/jobs", CreateAsync);
        routes.MapGet("/fine_tuning/jobs", List);
        routes.MapGet("/fine_tuning/jobs/{id}", Get);
        routes.MapGet("/fine_tuning/jobs/{id}/events", Events);
        routes.MapPost("/fine_tuning/jobs/{id}/cancel", Cancel);
        return routes;
    }

    private static async Task<Ok<FineTuningJob>> CreateAsync(HttpContext http, FineTuningStore store, FineTuningJobRunner runner, ModelRegistry models,
        DatasetShapes shapes, EmbeddingWidths widths, JobLimits limits, CancellationToken cancellationToken)
    {
        var tenant = http.GetTenant();
        var request = await RequestBody.ReadAsync(http.Request, OpenAiJsonContext.Default.FineTuningJobRequest, cancellationToken);
        if (string.IsNullOrWhiteSpace(request.TrainingFile)) throw OpenAiException.InvalidRequest("Missing required parameter: 'training_file'.", "training_file");
        var training = FileFor(store, request.TrainingFile, "training_file", tenant);
        var validation = request.ValidationFile is null ? null : FileFor(store, request.ValidationFile, "validation_file", tenant);
        if (validation is not null && (validation.IsText != training.IsText || validation.Kind != training.Kind))
            throw OpenAiException.InvalidRequest("The validation file must hold the same kind of rows as the training file (text or features, label or target).", "validation_file");
        if (request.Model is { } model && !models.TryGetEntry(model, out _)) throw new ModelNotFoundException(model);
        if (training.IsText && string.IsNullOrWhiteSpace(request.Model))
            throw OpenAiException.InvalidRequest("The training file holds text; name the base model that embeds it in 'model'.", "model");
        if (request.Suffix is { } suffix && (suffix.Length is 0 or > 64 || suffix.AsSpan().IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") >= 0))
            throw OpenAiException.OutOfRange("suffix", "must be 1 to 64 letters, digits, '-', '_' or '.'");
        if (request.Metadata is { ValueKind: not (System.Text.Json.JsonValueKind.Object or System.Text.Json.JsonValueKind.Null) })
            throw OpenAiException.InvalidRequest("'metadata' must be an object.", "metadata");

        var method = JobSettings.ResolveMethod(request, training.Kind, out var prefix);
        await JobAdmission.CheckAsync(request, method, prefix, training, validation, shapes, widths, limits, cancellationToken);
        var hyperparameters = (method.Linear ?? method.Logistic ?? method.Mlp)!.Hyperparameters;
        var job = new FineTuningJob(Ids.New("ftjob-"), request.Model, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), null, null, JobStatus.ValidatingFiles,
            training.File.Id, validation?.File.Id, hyperparameters, method, request.Seed ?? Random.Shared.Next(), request.Suffix, null,
            request.Metadata is { ValueKind: System.Text.Json.JsonValueKind.Object } m ? m.Clone() : null, null);
        store.AddJob(tenant, job, JobEvents.Message($"Created fine-tuning job {job.Id}."));
        runner.Submit(job.Id);
        return TypedResults.Ok(job);
    }

    private static Ok<FineTuningJobList> List(HttpContext http, FineTuningStore store, string? after, string? limit)
    {
        var jobs = store.ListJobs(http.GetTenant()).Select(j => j.Job).ToList();
        var (page, more) = Page(jobs, j => j.Id, after, limit);
        return TypedResults.Ok(new FineTuningJobList(page, more));
    }

    private static Ok<FineTuningJob> Get(string id, HttpContext http, FineTuningStore store) => TypedResults.Ok(Find(store, id, http.GetTenant()).Job);

    private static Ok<FineTuningJobEventList> Events(string id, HttpContext http, FineTuningStore store, string? after, string? limit)
    {
        var events = Find(store, id, http.GetTenant()).Events.Reverse().ToList();
        // A cursor whose event was dropped since (the log keeps its first and latest events) continues at the gap.
        if (!string.IsNullOrEmpty(after) && events.FindIndex(e => e.Id == after) < 0 && events.FindIndex(JobEvents.IsDropMarker) is > 0 and var gap)
            after = events[gap - 1].Id;
        var (page, more) = Page(events, e => e.Id, after, limit);
        return TypedResults.Ok(new FineTuningJobEventList(page, more));
    }

    private static Ok<FineTuningJob> Cancel(string id, HttpContext http, FineTuningStore store, FineTuningJobRunner runner)
    {
        // Ownership never changes, so a job the caller sees now is still its own when the runner cancels it.
        Find(store, id, http.GetTenant());
        return TypedResults.Ok((runner.Cancel(id) ?? throw NotFound(id)).Job);
    }

    // Cursor pagination: items strictly after the one whose id is `after`, newest first.
    private static (IReadOnlyList<T> Page, bool HasMore) Page<T>(List<T> items, Func<T, string> idOf, string? after, string? limitText)
    {
        var limit = DefaultPage;
        if (limitText is not null && (!int.TryParse(limitText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxPage))
            throw OpenAiException.OutOfRange("limit", $"must be an integer from 1 to {MaxPage}");
        var start = 0;
        if (!string.IsNullOrEmpty(after))
        {
            var index = items.FindIndex(item => idOf(item) == after);
            if (index < 0) throw OpenAiException.InvalidRequest($"No item with id '{after}' to continue after.", "after", "invalid_cursor");
            start = index + 1;
        }
        var page = items.Skip(start).Take(limit).ToArray();
        return (page, start + page.Length < items.Count);
    }

    // Another tenant's file is answered exactly like a missing one.
    private static StoredFile FileFor(FineTuningStore store, string id, string param, Tenant caller)
    {
        var file = store.GetFile(id, caller) ?? throw new OpenAiException(StatusCodes.Status400BadRequest, $"File {id} does not exist.", "invalid_request_error", param, "file_not_found");
        if (file.File.Purpose != "fine-tune") throw OpenAiException.InvalidRequest($"File {id} was not uploaded with purpose 'fine-tune'.", param);
        return file;
    }

    private static StoredJob Find(FineTuningStore store, string id, Tenant caller) => store.GetJob(id, caller) ?? throw NotFound(id);

    private static OpenAiException NotFound(string id) =>
        new(StatusCodes.Status404NotFound, $"No fine-tuning job with id '{id}'.", "invalid_request_error", "id", "job_not_found");
}
