using Llm.Api.Contracts.FineTuning;
using Llm.Api.Errors;
using Llm.Api.FineTuning;
using Llm.Api.Hosting;
using Llm.Api.Security;
using Llm.Api.Tenancy;
using Llm.Finetune.Data;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Llm.Api.Endpoints;

/// <summary>
/// <c>/v1/files</c>: upload (multipart <c>file</c> + <c>purpose=fine-tune</c>), list, get, content, delete.
/// Uploads are parsed as datasets before they are stored, so a bad line is a 400 naming it.
/// A file belongs to the caller's tenant: other tenants get the same 404 as for an id that never existed, and
/// their lists leave it out; admins see every tenant's files. Uploads count against the tenant's quotas.
/// </summary>
public static class FilesEndpoints
{
    public static IEndpointRouteBuilder MapFiles(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/files", UploadAsync).DisableAntiforgery().WithMetadata(new NonJsonBodyAttribute());
        routes.MapGet("/files", List);
        routes.MapGet("/files/{id}", Get);
        routes.MapGet("/files/{id}/content", Content);
        routes.MapDelete("/files/{id}", Delete);
        return routes;
    }

    private static async Task<Ok<FileObject>> UploadAsync(HttpContext http, FineTuningStore store, ServerOptions options, DatasetParseGate parseGate,
        CancellationToken cancellationToken)
    {
        // Uploads may be larger than JSON requests; allow the file plus room for the multipart framing.
        var limit = options.MaxUploadBytes + 64 * 1024;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit;
        var tenant = http.GetTenant();
        // Refuse a tenant that is already full before its body is read and parsed; AddFile checks again atomically.
        store.CheckFileQuota(tenant, 0);
        if (!http.Request.HasFormContentType)
            throw OpenAiException.InvalidRequest("Upload files as multipart/form-data with a 'file' part and a 'purpose' field.", "file");
        http.Features.Set<IFormFeature>(new FormFeature(http.Request, new FormOptions { MultipartBodyLengthLimit = limit }));
        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            throw ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) ? TooLarge(options) : Malformed(ex);
        }
        catch (IOException ex) when (ex is not BadHttpRequestException)
        {
            // A body that ends before its closing boundary surfaces as a plain IOException.
            throw Malformed(ex);
        }

        var purpose = form["purpose"].ToString();
        if (string.IsNullOrEmpty(purpose)) throw OpenAiException.InvalidRequest("Missing required parameter: 'purpose'.", "purpose");
        if (purpose != "fine-tune") throw OpenAiException.OutOfRange("purpose", "this server accepts only 'fine-tune'");
        var file = form.Files.GetFile("file") ?? throw OpenAiException.InvalidRequest("Missing required parameter: 'file'.", "file");
        if (file.Length > options.MaxUploadBytes) throw TooLarge(options);
        if (file.Length == 0) throw OpenAiException.InvalidRequest("The file is empty.", "file", "invalid_file_format");
        store.CheckFileQuota(tenant, file.Length);

        var content = new byte[file.Length];
        await using (var stream = file.OpenReadStream()) await stream.ReadExactlyAsync(content, cancellationToken);
        var name = Path.GetFileName(file.FileName);
        if (string.IsNullOrWhiteSpace(name)) name = "upload.jsonl";
        LabeledDataset data;
        try
        {
            data = await parseGate.RunAsync(() => DatasetFiles.Parse(name, content), cancellationToken);
        }
        catch (Exception ex) when (ex is DatasetFormatException or InvalidDataException)
        {
            throw OpenAiException.InvalidRequest($"{name}: {ex.Message}", "file", "invalid_file_format");
        }

        var created = new FileObject(Ids.New("file-"), content.Length, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), name, purpose, "processed");
        store.AddFile(tenant, new StoredFile(created, data is TextDataset, data.Kind, data.Count, (data as Dataset)?.FeatureCount ?? 0, data.LabelNames.Count), content);
        return TypedResults.Ok(created);
    }

    private static Ok<FileList> List(HttpContext http, FineTuningStore store, string? purpose)
    {
        var files = store.ListFiles(http.GetTenant()).Select(f => f.File).Where(f => purpose is null || f.Purpose == purpose).ToArray();
        return TypedResults.Ok(new FileList(files, HasMore: false));
    }

    private static Ok<FileObject> Get(string id, HttpContext http, FineTuningStore store) => TypedResults.Ok(Find(store, id, http.GetTenant()).File);

    private static PhysicalFileHttpResult Content(string id, HttpContext http, FineTuningStore store)
    {
        var file = Find(store, id, http.GetTenant());
        return TypedResults.PhysicalFile(store.ContentPath(id), "application/octet-stream", file.File.Filename);
    }

    private static Ok<FileDeleted> Delete(string id, HttpContext http, FineTuningStore store) =>
        store.DeleteFile(id, http.GetTenant()) ? TypedResults.Ok(new FileDeleted(id, true)) : throw NotFound(id);

    private static StoredFile Find(FineTuningStore store, string id, Tenant caller) => store.GetFile(id, caller) ?? throw NotFound(id);

    private static OpenAiException NotFound(string id) =>
        new(StatusCodes.Status404NotFound, $"No such File object: {id}", "invalid_request_error", "id", "file_not_found");

    private static OpenAiException Malformed(Exception ex) => OpenAiException.InvalidRequest($"The multipart body is malformed: {ex.Message}", "file");

    private static OpenAiException TooLarge(ServerOptions options) =>
        new(StatusCodes.Status413PayloadTooLarge, $"The file is larger than this server accepts ({options.MaxUploadBytes} bytes).", "invalid_request_error", "file", "file_too_large");
}
