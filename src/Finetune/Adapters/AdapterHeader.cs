using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Llm.Finetune.Models;

namespace Llm.Finetune.Adapters;

/// <summary>The JSON header of an adapter file (see ADAPTER-FORMAT.md) and its strict parsing.</summary>
internal sealed record AdapterHeader(
    ModelKind Kind,
    int[] LayerSizes,
    Activation HiddenActivation,
    OutputActivation Output,
    string[] Labels,
    bool Standardization,
    int ParameterCount,
    AdapterMetadata Metadata)
{
    public long PayloadFloats => ParameterCount + (Standardization ? 2L * LayerSizes[0] : 0);

    /// <summary>Parameters implied by the layer sizes, computed in 64 bits so a hostile header cannot overflow it.</summary>
    public long ImpliedParameterCount()
    {
        long total = 0;
        for (int l = 1; l < LayerSizes.Length; l++)
        {
            total += ((long)LayerSizes[l - 1] + 1) * LayerSizes[l];
        }

        return total;
    }

    public byte[] ToUtf8()
    {
        var metadata = new JsonObject
        {
            ["baseModelId"] = Metadata.BaseModelId,
            ["seed"] = Metadata.Seed,
            ["epochs"] = Metadata.Epochs,
            ["bestEpoch"] = Metadata.BestEpoch,
            ["batchSize"] = Metadata.BatchSize,
            ["optimizer"] = Metadata.Optimizer,
            ["learningRate"] = Metadata.LearningRate,
            ["l2"] = Metadata.L2,
            ["trainingRows"] = Metadata.TrainingRows,
            ["validationRows"] = Metadata.ValidationRows,
            ["createdUtc"] = Metadata.CreatedUtc.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["metrics"] = new JsonObject(Metadata.Metrics.Where(m => double.IsFinite(m.Value))
                .Select(m => KeyValuePair.Create(m.Key, (JsonNode?)JsonValue.Create(m.Value)))),
        };
        var root = new JsonObject
        {
            ["kind"] = Kind.ToString(),
            ["layerSizes"] = new JsonArray(LayerSizes.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
            ["hiddenActivation"] = HiddenActivation.ToString(),
            ["outputActivation"] = Output.ToString(),
            ["labels"] = new JsonArray(Labels.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
            ["standardization"] = Standardization,
            ["parameterCount"] = ParameterCount,
            ["payloadFloats"] = PayloadFloats,
            ["metadata"] = metadata,
        };
        return JsonSerializer.SerializeToUtf8Bytes(root);
    }

    /// <summary>Parses and checks the header; <paramref name="fail"/> builds the exception naming the file.</summary>
    public static AdapterHeader Parse(ReadOnlySpan<byte> utf8, Func<string, Exception?, Exception> fail)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(utf8) as JsonObject ?? throw fail("the header is not a JSON object.", null);
        }
        catch (JsonException e)
        {
            throw fail($"the header is not valid JSON ({e.Message}).", e);
        }

        try
        {
            ModelKind kind = ParseEnum<ModelKind>(root, "kind");
            int[] sizes = Required(root, "layerSizes").AsArray().Select(n => n!.GetValue<int>()).ToArray();
            Activation hidden = ParseEnum<Activation>(root, "hiddenActivation");
            OutputActivation output = ParseEnum<OutputActivation>(root, "outputActivation");
            string[] labels = Required(root, "labels").AsArray().Select(n => n!.GetValue<string>()).ToArray();
            bool standardization = Required(root, "standardization").GetValue<bool>();
            int parameterCount = Required(root, "parameterCount").GetValue<int>();
            long payloadFloats = Required(root, "payloadFloats").GetValue<long>();
            var header = new AdapterHeader(kind, sizes, hidden, output, labels, standardization, parameterCount,
                ParseMetadata(Required(root, "metadata").AsObject()));
            if (sizes.Length < 2 || sizes.Any(size => size <= 0))
            {
                throw fail($"layerSizes [{string.Join(", ", sizes)}] must have at least two positive entries.", null);
            }

            if (header.ImpliedParameterCount() != parameterCount)
            {
                throw fail($"parameterCount is {parameterCount} but layers [{string.Join(", ", sizes)}] need {header.ImpliedParameterCount()}.", null);
            }

            if (header.PayloadFloats != payloadFloats)
            {
                throw fail($"payloadFloats is {payloadFloats} but the shapes need {header.PayloadFloats}.", null);
            }

            return header;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException or NullReferenceException)
        {
            throw fail($"the header is malformed ({e.Message}).", e);
        }
    }

    private static AdapterMetadata ParseMetadata(JsonObject m) => new()
    {
        BaseModelId = m["baseModelId"]?.GetValue<string>(),
        Seed = Required(m, "seed").GetValue<int>(),
        Epochs = Required(m, "epochs").GetValue<int>(),
        BestEpoch = Required(m, "bestEpoch").GetValue<int>(),
        BatchSize = Required(m, "batchSize").GetValue<int>(),
        Optimizer = Required(m, "optimizer").GetValue<string>(),
        LearningRate = Required(m, "learningRate").GetValue<float>(),
        L2 = Required(m, "l2").GetValue<float>(),
        TrainingRows = Required(m, "trainingRows").GetValue<int>(),
        ValidationRows = Required(m, "validationRows").GetValue<int>(),
        CreatedUtc = DateTimeOffset.Parse(Required(m, "createdUtc").GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
        Metrics = Required(m, "metrics").AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<double>()),
    };

    private static JsonNode Required(JsonObject node, string name) =>
        node[name] ?? throw new KeyNotFoundException($"'{name}' is missing");

    private static T ParseEnum<T>(JsonObject node, string name) where T : struct, Enum
    {
        string text = Required(node, name).GetValue<string>();
        return Enum.TryParse(text, ignoreCase: false, out T value) && Enum.IsDefined(value) && !char.IsDigit(text[0])
            ? value
            : throw new FormatException($"'{name}' has unknown value '{text}'");
    }
}
