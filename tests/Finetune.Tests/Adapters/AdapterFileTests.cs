using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Llm.Finetune.Adapters;
using Llm.Finetune.Data;
using Llm.Finetune.Models;
using Llm.Finetune.Training;

namespace Llm.Finetune.Tests.Adapters;

public sealed class AdapterFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("llm-finetune-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (Adapter Adapter, Dataset Data) TrainClassifier()
    {
        Dataset data = Synthetic.Blobs(120, 5, 3, seed: 7, spread: 1.0);
        var model = Mlp.Classifier(5, [8], 3, Activation.Tanh, seed: 1);
        var options = new TrainingOptions { Epochs = 5, LearningRate = 0.02f, Seed = 42 };
        TrainingResult result = new Trainer(options).Train(model, data, data);
        var metadata = AdapterMetadata.FromTraining(options, result, data.Count, data.Count, baseModelId: "embed-model-v1");
        return (new Adapter(model, result.Standardizer, data.LabelNames, metadata), data);
    }

    private string SavedClassifier()
    {
        string path = Path.Combine(_folder, "classifier.adapter");
        TrainClassifier().Adapter.Save(path);
        return path;
    }

    [Fact]
    public void RoundTripGivesIdenticalPredictionsAndMetadata()
    {
        var (adapter, data) = TrainClassifier();
        string path = Path.Combine(_folder, "sub", "a.adapter");
        adapter.Save(path);
        Adapter loaded = Adapter.Load(path);

        Assert.Equal(adapter.Model.Parameters.ToArray(), loaded.Model.Parameters.ToArray());
        Assert.Equal(adapter.LabelNames, loaded.LabelNames);
        Assert.Equal(adapter.Standardizer!.Mean, loaded.Standardizer!.Mean);
        Assert.Equal(adapter.Standardizer.Scale, loaded.Standardizer.Scale);
        Assert.Equal(adapter.Metadata.BaseModelId, loaded.Metadata.BaseModelId);
        Assert.Equal(42, loaded.Metadata.Seed);
        Assert.Equal(adapter.Metadata.Epochs, loaded.Metadata.Epochs);
        Assert.Equal(adapter.Metadata.Metrics, loaded.Metadata.Metrics);
        Assert.Equal(adapter.Metadata.CreatedUtc.ToUnixTimeMilliseconds(), loaded.Metadata.CreatedUtc.ToUnixTimeMilliseconds());

        Prediction[] before = adapter.PredictBatch(data.Features, data.Count);
        Prediction[] after = loaded.PredictBatch(data.Features, data.Count);
        for (int i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i].Label, after[i].Label);
            Assert.Equal(before[i].Probabilities, after[i].Probabilities);
            Assert.Equal(1f, after[i].Probabilities.Sum(p => p.Probability), 1e-5f);
        }
    }

    [Fact]
    public void RegressionAndBinaryAdaptersRoundTrip()
    {
        var (data, _, _) = Synthetic.Linear(80, 3, seed: 2);
        var regressor = new LinearRegression(3);
        var result = new Trainer(new TrainingOptions { Epochs = 3 }).Train(regressor, data);
        var adapter = new Adapter(regressor, result.Standardizer, [], new AdapterMetadata());
        string path = Path.Combine(_folder, "r.adapter");
        adapter.Save(path);
        Prediction prediction = Adapter.Load(path).Predict(data.Row(0));
        Assert.Null(prediction.Label);
        Assert.Empty(prediction.Probabilities);
        Assert.Equal(adapter.Predict(data.Row(0)).Value, prediction.Value);

        var binary = new Adapter(new LogisticRegression(2, 2), null, ["no", "yes"], new AdapterMetadata());
        binary.Save(path);
        Prediction p = Adapter.Load(path).Predict([1f, 2f]);
        Assert.Equal(["no", "yes"], p.Probabilities.Select(x => x.Label));
        Assert.Equal(0.5f, p.Probabilities[1].Probability);
    }

    [Fact]
    public void SaveIsAtomicAndLeavesNoTemporaryFiles()
    {
        string path = SavedClassifier();
        TrainClassifier().Adapter.Save(path); // overwrite in place
        Assert.Equal(["classifier.adapter"], Directory.GetFiles(_folder).Select(Path.GetFileName));
        Adapter.Load(path);
    }

    [Fact]
    public void TruncatedFilesAreRefused()
    {
        string path = SavedClassifier();
        byte[] bytes = File.ReadAllBytes(path);
        foreach (int length in new[] { 0, 10, 40, bytes.Length / 2, bytes.Length - 1 })
        {
            File.WriteAllBytes(path, bytes[..length]);
            var error = Assert.Throws<AdapterFormatException>(() => Adapter.Load(path));
            Assert.Contains(path, error.Message);
        }

        File.WriteAllBytes(path, bytes[..(bytes.Length - 4)]);
        Assert.Contains("truncated", Assert.Throws<AdapterFormatException>(() => Adapter.Load(path)).Message);
    }

    [Fact]
    public void FlippedPayloadByteFailsTheChecksum()
    {
        string path = SavedClassifier();
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^40] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        Assert.Contains("checksum", Assert.Throws<AdapterFormatException>(() => Adapter.Load(path)).Message);
    }

    [Fact]
    public void WrongMagicAndVersionAreRefused()
    {
        string path = SavedClassifier();
        byte[] bytes = File.ReadAllBytes(path);
        byte[] magic = (byte[])bytes.Clone();
        magic[0] = (byte)'X';
        File.WriteAllBytes(path, magic);
        Assert.Contains("magic", Assert.Throws<AdapterFormatException>(() => Adapter.Load(path)).Message);

        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 2);
        File.WriteAllBytes(path, bytes);
        Assert.Contains("version 2", Assert.Throws<AdapterFormatException>(() => Adapter.Load(path)).Message);
    }

    /// <summary>Rewrites the header and the checksum, so only the shape validation can catch the tampering.</summary>
    private static void Tamper(string path, Func<string, string> editHeader, Action<byte[], int>? editPayload = null)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        byte[] header = Encoding.UTF8.GetBytes(editHeader(Encoding.UTF8.GetString(bytes, 16, headerLength)));
        byte[] payload = bytes[(16 + headerLength)..^32];
        editPayload?.Invoke(payload, 0);
        var result = new byte[16 + header.Length + payload.Length + 32];
        bytes.AsSpan(0, 16).CopyTo(result);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(12), (uint)header.Length);
        header.CopyTo(result, 16);
        payload.CopyTo(result, 16 + header.Length);
        SHA256.HashData(result.AsSpan(0, result.Length - 32), result.AsSpan(result.Length - 32));
        File.WriteAllBytes(path, result);
    }

    [Fact]
    public void HeaderThatDisagreesWithTheWeightsIsRefused()
    {
        string path = SavedClassifier();
        Tamper(path, h => h.Replace("\"layerSizes\":[5,8,3]", "\"layerSizes\":[5,9,3]"));
        Assert.Contains("parameterCount", Assert.Throws<AdapterFormatException>(() => Adapter.Load(path)).Message);

        path = SavedClassifier();
        Tamper(path, h => h.Replace("\"labels\":[\"class0\",\"class1\",\"class2\"]", "\"labels\":[\"class0\",\"class1\"]"));
        Assert.Contains("label", Assert.Throws<AdapterFormatException>(() => Adapter.Load(path)).Message);

        path = SavedClassifier();
        Tamper(path, h => h.Replace("\"kind\":\"Mlp\"", "\"kind\":\"Transformer\""));
        Assert.Contains("Transformer", Assert.Throws<AdapterFormatException>(() => Adapter.Load(path)).Message);

        path = SavedClassifier();
        Tamper(path, h => "{not json");
        Assert.Contains("JSON", Assert.Throws<AdapterFormatException>(() => Adapter.Load(path)).Message);
    }

    [Fact]
    public void NonFiniteWeightsAreRefused()
    {
        string path = SavedClassifier();
        Tamper(path, h => h, (payload, _) => BinaryPrimitives.WriteSingleLittleEndian(payload.AsSpan(8), float.NaN));
        Assert.Contains("finite", Assert.Throws<AdapterFormatException>(() => Adapter.Load(path)).Message);
    }

    [Fact]
    public void MismatchedUseIsRefused()
    {
        Adapter adapter = Adapter.Load(SavedClassifier());
        adapter.EnsureCompatible("embed-model-v1", 5);
        Assert.Contains("other-model", Assert.Throws<AdapterMismatchException>(() => adapter.EnsureCompatible("other-model")).Message);
        Assert.Throws<AdapterMismatchException>(() => adapter.EnsureCompatible(featureCount: 6));
        Assert.Throws<AdapterMismatchException>(() => adapter.Predict([1f, 2f, 3f]));
    }

    [Fact]
    public void AdapterRejectsInconsistentParts()
    {
        var model = new LogisticRegression(3, 4);
        Assert.Throws<ArgumentException>(() => new Adapter(model, null, ["a", "b"], new AdapterMetadata()));
        Assert.Throws<ArgumentException>(() => new Adapter(model, null, ["a", "b", "c", "c"], new AdapterMetadata()));
        Assert.Throws<ArgumentException>(() => new Adapter(model, new Standardizer([0f, 0f], [1f, 1f]), ["a", "b", "c", "d"], new AdapterMetadata()));
    }
}
