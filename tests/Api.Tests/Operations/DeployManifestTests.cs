using Llm.Api.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Llm.Api.Tests.Operations;

/// <summary>The Kubernetes manifests in deploy/k8s parse, and agree with the server (probe path, port, metric name, flags).</summary>
public sealed class DeployManifestTests
{
    private static readonly string Folder = Path.Combine(TestModels.RepositoryRoot, "deploy", "k8s");

    [Fact]
    public void ManifestsAreValidYamlWithTheExpectedKinds()
    {
        var kinds = Directory.GetFiles(Folder, "*.yaml").Select(f => Text(Load(f)["kind"])).Order().ToArray();
        Assert.Equal(["Deployment", "HorizontalPodAutoscaler", "Service"], kinds);
    }

    [Fact]
    public void DeploymentProbesHealthOnTheServedPortAndUsesKnownFlags()
    {
        var deployment = Load(Path.Combine(Folder, "deployment.yaml"));
        var container = (YamlMappingNode)((YamlSequenceNode)Node(deployment, "spec", "template", "spec", "containers"))[0];
        foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
        {
            Assert.Equal("/health", Text(Node(container, probe, "httpGet", "path")));
            Assert.Equal("http", Text(Node(container, probe, "httpGet", "port")));
        }
        Assert.Equal("8080", Text(((YamlMappingNode)((YamlSequenceNode)container["ports"])[0])["containerPort"]));
        var args = ((YamlSequenceNode)container["args"]).Select(Text).ToArray();
        Assert.NotNull(Llm.Api.Hosting.CommandLine.Parse(args)); // throws on an unknown flag
        var grace = int.Parse(Text(Node(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds")), System.Globalization.CultureInfo.InvariantCulture);
        var drain = int.Parse(args[Array.IndexOf(args, "--drain-timeout") + 1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(grace > drain, "the grace period must outlast the drain timeout");
    }

    [Fact]
    public async Task HpaScalesOnAMetricTheServerExposes()
    {
        var hpa = Load(Path.Combine(Folder, "hpa.yaml"));
        var metric = (YamlMappingNode)((YamlSequenceNode)Node(hpa, "spec", "metrics"))[0];
        var name = Text(Node(metric, "pods", "metric", "name"));
        Assert.Equal("Deployment", Text(Node(hpa, "spec", "scaleTargetRef", "kind")));
        await using var server = await OpsServer.StartAsync();
        Assert.Contains($"# TYPE {name} gauge", await server.Http.GetStringAsync("/metrics"));
    }

    private static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    private static string Text(YamlNode node) => ((YamlScalarNode)node).Value ?? string.Empty;

    private static YamlNode Node(YamlNode node, params string[] path)
    {
        foreach (var key in path) node = ((YamlMappingNode)node)[key];
        return node;
    }
}
