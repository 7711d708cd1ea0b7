using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Llm.Api.Contracts.FineTuning;
using Llm.Api.Hosting;
using Llm.Finetune.Adapters;
using Llm.Finetune.Data;
using Llm.Finetune.Training;
using Llm.Runtime.Errors;
using Llm.Runtime.Models;

namespace Llm.Api.FineTuning;

/// <summary>
/// Runs fine-tuning jobs in the background: validation (parsing the files) as soon as a job is created, then
/// training on at most <see cref="ServerOptions.MaxConcurrentJobs"/> workers. A failing job ends as
/// <c>failed</c> with an error object and never takes the server or other jobs down.
/// </summary>
/// <remarks>
/// <para>Memory: parsed rows live in the <see cref="DatasetCache"/>, leased only while a job validates and while it
/// runs, so queued jobs hold nothing and jobs on one file share one copy; parses wait for the
/// <see cref="DatasetParseGate"/>; a job whose estimate (<see cref="JobBudget"/>) is over the limits fails when it
/// starts (creation refuses it already; this catches limits lowered since); each job keeps at most
/// <see cref="JobLimits.MaxJobEvents"/> events.</para>
/// <para>Start-up recovery: a job found <c>running</c> (the server stopped mid-training) is marked <c>failed</c> with
/// code <c>interrupted</c>, since resuming would need checkpoints; jobs still <c>validating_files</c> or
/// <c>queued</c> never started and are queued again.</para>
/// </remarks>
public sealed partial class FineTuningJobRunner(FineTuningStore store, ModelRegistry models, ServerOptions options, DatasetCache cache,
    JobLimits limits, ILogger<FineTuningJobRunner> logger) : BackgroundService
{
    private static readonly TimeSpan ModelWait = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan ProgressPersistInterval = TimeSpan.FromSeconds(1);
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _active = new(StringComparer.Ordinal);
    private CancellationToken _stopping;

    /// <summary>Starts validating a newly created job; it is queued for training when its files parse.</summary>
    public void Submit(string jobId) => _ = Task.Run(() => ValidateAsync(jobId));

    /// <summary>
    /// Cancels a job that has not ended: it becomes <c>cancelled</c> at once and a running training stops at
    /// its next mini-batch. Returns null for an unknown job; throws a 400 for one that already ended.
    /// </summary>
    public StoredJob? Cancel(string jobId)
    {
        var updated = store.UpdateJob(jobId, job => JobStatus.IsFinal(job.Job.Status)
            ? throw Errors.OpenAiException.InvalidRequest($"Job {jobId} has already {job.Job.Status}; only unfinished jobs can be cancelled.", null, "job_already_finished")
            : Finish(job, JobStatus.Cancelled, null, JobEvents.Message("Job cancelled.")));
        if (_active.TryGetValue(jobId, out var cancel)) cancel.Cancel();
        return updated;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        foreach (var job in store.ListJobs().Reverse())
        {
            if (job.Job.Status == JobStatus.Running)
            {
                store.UpdateJob(job.Job.Id, j => Finish(j, JobStatus.Failed,
                    new JobError("interrupted", "The server stopped while this job was running; create a new job to train again.", null),
                    JobEvents.Message("Job interrupted by a server restart.", "error")));
            }
            else if (job.Job.Status is JobStatus.ValidatingFiles or JobStatus.Queued)
            {
                store.UpdateJob(job.Job.Id, j => With(j, JobStatus.ValidatingFiles, JobEvents.Message("Job resumed after a server restart.")));
                Submit(job.Job.Id);
            }
        }
        var workers = Enumerable.Range(0, Math.Max(1, options.MaxConcurrentJobs)).Select(_ => Task.Run(() => WorkAsync(stoppingToken)));
        return Task.WhenAll(workers);
    }

    private async Task ValidateAsync(string jobId)
    {
        var job = store.GetJob(jobId)?.Job;
        if (job is null || job.Status != JobStatus.ValidatingFiles) return;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        _active[jobId] = cancel;
        try
        {
            string summary;
            // The leases end here: a queued job holds no rows.
            using (var data = await LeaseAsync(job, cancel.Token))
            {
                CheckLabels(data);
                summary = $"Files validated: {data.Train.Count} training rows{(data.Validation is null ? "" : $", {data.Validation.Count} validation rows")}.";
            }
            if (store.UpdateJob(jobId, j => j.Job.Status == JobStatus.ValidatingFiles ? With(j, JobStatus.Queued, JobEvents.Message(summary)) : null) is not null)
                _queue.Writer.TryWrite(jobId);
        }
        catch (JobFailure failure)
        {
            store.UpdateJob(jobId, j => j.Job.Status == JobStatus.ValidatingFiles
                ? Finish(j, JobStatus.Failed, failure.Error, JobEvents.Message(failure.Error.Message, "error")) : null);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Cancelled by the user (already marked) or by shutdown (validated again on the next start).
        }
        finally
        {
            _active.TryRemove(KeyValuePair.Create(jobId, cancel));
        }
    }

    // Validation labels index the training labels by name at training time; an unknown one can never train.
    private static void CheckLabels(JobData data)
    {
        if (data.Validation is not { Kind: ProblemKind.Classification } validation || data.Train.Kind != ProblemKind.Classification) return;
        var known = data.Train.LabelNames.ToHashSet(StringComparer.Ordinal);
        if (validation.LabelNames.FirstOrDefault(name => !known.Contains(name)) is { } unknown)
            throw new JobFailure("invalid_file", $"The validation data has label '{unknown}', which the training data does not have.", "validation_file");
    }

    private async Task<JobData> LeaseAsync(FineTuningJob job, CancellationToken cancellationToken)
    {
        var train = await LeaseAsync(job.TrainingFile, "training_file", cancellationToken);
        try
        {
            var validation = job.ValidationFile is { } v ? await LeaseAsync(v, "validation_file", cancellationToken) : null;
            return new JobData(train, validation);
        }
        catch
        {
            train.Dispose();
            throw;
        }
    }

    private async Task<DatasetLease> LeaseAsync(string fileId, string param, CancellationToken cancellationToken)
    {
        var file = store.GetFile(fileId) ?? throw new JobFailure("invalid_file", $"File {fileId} no longer exists.", param);
        try
        {
            return await cache.AcquireAsync(fileId, () => DatasetFiles.ParseFile(file.File.Filename, store.ContentPath(fileId)), cancellationToken);
        }
        catch (Exception ex) when (ex is DatasetFormatException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new JobFailure("invalid_file", $"{fileId}: {ex.Message}", param);
        }
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var jobId in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await RunAsync(jobId, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunAsync(string jobId, CancellationToken stoppingToken)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _active[jobId] = cancel;
        try
        {
            var started = store.UpdateJob(jobId, j => j.Job.Status == JobStatus.Queued ? With(j, JobStatus.Running, JobEvents.Message("Training started.")) : null);
            if (started is null) return;
            LogJobStarted(logger, jobId);
            var job = started.Job;
            using var data = await LeaseAsync(job, cancel.Token);
            var plan = JobSettings.ToPlan(job);
            var host = data.Train is TextDataset ? await WaitForModelAsync(job.Model!, cancel.Token) : null;
            var embed = host is null ? null : ModelEmbedder.For(host);
            CheckBudget(job, data, host?.Embeddings.Dimensions ?? ((Dataset)data.Train).FeatureCount);
            var sinceSave = Stopwatch.StartNew();
            var progress = new CallbackProgress<EpochReport>(report =>
            {
                var persist = sinceSave.Elapsed >= ProgressPersistInterval;
                if (persist) sinceSave.Restart();
                store.UpdateJob(jobId, j => j with { Events = JobEvents.Append(j.Events, JobEvents.Metrics(report), limits.MaxJobEvents) }, persist);
            });
            var result = await AdapterTraining.TrainAsync(data.Train, data.Validation, plan, embed, progress, cancel.Token);
            result.Adapter.Save(store.AdapterPath(jobId));
            var metrics = result.Adapter.Metadata.Metrics;
            var message = $"Training succeeded after {result.Training.EpochsRun} epochs (kept epoch {result.Training.BestEpoch}) in {result.Training.Elapsed.TotalSeconds:F2} s.";
            store.UpdateJob(jobId, j => j.Job.Status != JobStatus.Running ? null
                : Finish(j with { Job = j.Job with { FineTunedModel = FineTunedName(j.Job), Metrics = metrics } }, JobStatus.Succeeded, null, JobEvents.Message(message)));
            LogJobEnded(logger, jobId, JobStatus.Succeeded);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // A user cancel already marked the job; a server stop leaves it for start-up recovery to call interrupted.
            var stopping = stoppingToken.IsCancellationRequested;
            store.UpdateJob(jobId, j => j.Job.Status == JobStatus.Running && stopping
                ? Finish(j, JobStatus.Failed, new JobError("interrupted", "The server stopped while this job was running; create a new job to train again.", null),
                    JobEvents.Message("Job interrupted by server shutdown.", "error"))
                : null);
            LogJobEnded(logger, jobId, stopping ? "interrupted" : JobStatus.Cancelled);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var error = ex switch
            {
                JobFailure failure => failure.Error,
                InvalidDataException or DatasetFormatException => new JobError("invalid_file", ex.Message, "training_file"),
                ModelNotFoundException or ModelNotReadyException => new JobError("model_unavailable", ex.Message, "model"),
                AdapterMismatchException or ArgumentException or InvalidOperationException or InvalidInputException or ContextLengthExceededException
                    => new JobError("training_failed", ex.Message, null),
                _ => new JobError("training_failed", $"Training failed: {ex.GetType().Name}: {ex.Message}", null),
            };
            store.UpdateJob(jobId, j => JobStatus.IsFinal(j.Job.Status) ? null : Finish(j, JobStatus.Failed, error, JobEvents.Message(error.Message, "error")));
            LogJobFailed(logger, jobId, ex);
        }
        finally
        {
            _active.TryRemove(KeyValuePair.Create(jobId, cancel));
        }
    }

    // Creation checked the recorded shapes; this checks the parsed rows against the limits in force now.
    private void CheckBudget(FineTuningJob job, JobData data, int features)
    {
        var bytes = (string id) => store.GetFile(id)?.File.Bytes ?? 0;
        var estimate = JobBudget.Estimate(DatasetShape.Of(data.Train, bytes(job.TrainingFile)),
            data.Validation is null ? null : DatasetShape.Of(data.Validation, bytes(job.ValidationFile!)), features, job.Method.Type, job.Hyperparameters);
        if (JobBudget.Check(estimate, limits, job.Method.Type, $"method.{job.Method.Type}.hyperparameters", data.Train is TextDataset) is { } violation)
            throw new JobFailure(violation.Code, violation.Message, violation.Param);
    }

    private async Task<ModelHost> WaitForModelAsync(string name, CancellationToken cancellationToken)
    {
        // Loads the model if it is not in memory (first use, or unloaded after its keep-alive).
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ModelWait);
        return await models.AcquireAsync(name, deadline.Token);
    }

    // ft:{base model or method}[:{suffix}]:{the job id's 24 hex}, like OpenAI's ft:gpt-4o-mini:org:suffix:id. The whole
    // random part keeps names unique across tenants, so no name ever needs changing to avoid another tenant's.
    private static string FineTunedName(FineTuningJob job)
    {
        var parts = new List<string> { "ft", job.Model ?? job.Method.Type };
        if (!string.IsNullOrEmpty(job.UserProvidedSuffix)) parts.Add(job.UserProvidedSuffix);
        parts.Add(job.Id["ftjob-".Length..]);
        return string.Join(':', parts);
    }

    private StoredJob With(StoredJob job, string status, FineTuningJobEvent message) =>
        job with { Job = job.Job with { Status = status }, Events = JobEvents.Append(job.Events, message, limits.MaxJobEvents) };

    private StoredJob Finish(StoredJob job, string status, JobError? error, FineTuningJobEvent message) =>
        job with
        {
            Job = job.Job with { Status = status, Error = error, FinishedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds() },
            Events = JobEvents.Append(job.Events, message, limits.MaxJobEvents),
        };

    [LoggerMessage(Level = LogLevel.Information, Message = "Fine-tuning job {JobId} started")]
    private static partial void LogJobStarted(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fine-tuning job {JobId} ended: {Status}")]
    private static partial void LogJobEnded(ILogger logger, string jobId, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fine-tuning job {JobId} failed")]
    private static partial void LogJobFailed(ILogger logger, string jobId, Exception exception);

    /// <summary>The leased rows of a job's files; disposing lets them go.</summary>
    private sealed class JobData(DatasetLease train, DatasetLease? validation) : IDisposable
    {
        public LabeledDataset Train => train.Data;

        public LabeledDataset? Validation => validation?.Data;

        public void Dispose()
        {
            train.Dispose();
            validation?.Dispose();
        }
    }

    private sealed class JobFailure(string code, string message, string? param) : Exception(message)
    {
        public JobError Error { get; } = new(code, message, param);
    }
}
