using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.Security;

/// <summary>
/// Whatever bytes a dataset file holds, an upload to /v1/files is answered 200 or 400 <c>invalid_file_format</c>
/// naming the line, never 5xx: invalid UTF-8, lone surrogate escapes in keys and values, deep JSON, huge numbers,
/// NaN and Infinity literals, blank lines, random bytes; as JSON Lines, CSV and sniffed names alike.
/// </summary>
public sealed class DatasetFuzzTests
{
    public static TheoryData<string, byte[], string> Pinned() => new()
    {
        { "data.jsonl", Bytes("{\"features\":[1],\"label\":\"a\"}\n{\"features\":[1],\"label\":\"", 0xFF, "\"}\n"), "line 2" },
        { "data.jsonl", Bytes("{\"features\":[1],\"label\":\"a\"}\n{\"features\":[1],\"label\":\"\\ud800\"}\n"), "line 2" },
        { "data.jsonl", Bytes("{\"features\":[1],\"label\":\"a\"}\n\n{\"\\ud800\":1,\"features\":[1],\"label\":\"a\"}\n"), "line 3" },
        { "data.jsonl", Bytes("{\"text\":\"\\udc00x\",\"label\":\"a\"}\n"), "line 1" },
        { "data.jsonl", Bytes("{\"features\":[1],\"", 0xED, 0xA0, 0x80, "\":2,\"label\":\"a\"}\n"), "line 1" },
        { "data.csv", Bytes("x,label\n1,a\n1,", 0xFF, "b\n"), "line 3" },
        { "data.csv", Bytes("x,label\n1,a\n2,b\n3,c", 0xC3, "\n"), "line 4" },
        { "data.txt", Bytes("x,label\n1,", 0xE2, 0x82, "\n"), "line 2" },
    };

    [Theory]
    [MemberData(nameof(Pinned))]
    public async Task BadUnicodeIs400NamingTheLine(string name, byte[] content, string line)
    {
        await using var server = await OpsServer.StartAsync();
        var (status, text) = await UploadAsync(server.Http, name, content);
        Assert.True(status == HttpStatusCode.BadRequest, text);
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal("invalid_file_format", error.GetProperty("code").GetString());
        var message = error.GetProperty("message").GetString()!;
        Assert.Contains(line, message, StringComparison.Ordinal);
        Assert.DoesNotContain("code page", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Unable to translate", message, StringComparison.Ordinal);
        if (name.EndsWith(".jsonl", StringComparison.Ordinal)) Assert.Contains("not valid Unicode", message, StringComparison.Ordinal);
        else Assert.Contains("offset", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoDatasetContentGets5xx()
    {
        await using var server = await OpsServer.StartAsync();
        var random = new Random(20261202);
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < 400; i++)
        {
            var content = Generate(random, i);
            var name = (i % 3) switch { 0 => "fuzz.jsonl", 1 => "fuzz.csv", _ => "fuzz.data" };
            var (status, text) = await UploadAsync(server.Http, name, content);
            statuses[(int)status] = statuses.GetValueOrDefault((int)status) + 1;
            if (status == HttpStatusCode.OK)
            {
                var id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetString();
                using var deleted = await server.Http.DeleteAsync($"/v1/files/{id}");
                continue;
            }
            if ((int)status >= 500 || !text.Contains("\"error\"", StringComparison.Ordinal))
                failures.Add($"#{i} {name} {Convert.ToBase64String(content[..Math.Min(content.Length, 120)])}: {(int)status} {text}");
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        // The corpus must mostly be refused, or it tests nothing.
        Assert.True(statuses.GetValueOrDefault(400) > 200, string.Join(", ", statuses));
        using var health = await server.Http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static byte[] Generate(Random random, int i)
    {
        string[] surrogates = ["\\ud800", "\\udfff", "\\udc00\\ud800", "\\ud83e"];
        string S() => surrogates[random.Next(surrogates.Length)];
        string[] numbers = ["1e999", "-1e400", "123456789012345678901234567890123456789", "NaN", "Infinity", "-Infinity", "1e-999", "0x10", "1.", "-", "01"];
        string N() => numbers[random.Next(numbers.Length)];
        var good = Encoding.UTF8.GetBytes("{\"features\":[1,2],\"label\":\"a\"}\n{\"features\":[3,4],\"label\":\"b\"}\n");
        switch (i % 12)
        {
            case 0:
                var bytes = new byte[random.Next(0, 300)];
                random.NextBytes(bytes);
                return bytes;
            case 1:
                var corrupt = (byte[])good.Clone();
                for (var k = 0; k < 1 + random.Next(3); k++) corrupt[random.Next(corrupt.Length)] = (byte)random.Next(0x80, 0x100);
                return corrupt;
            case 2:
                return Encoding.UTF8.GetBytes($"{{\"features\":[1],\"label\":\"a\"}}\n{{\"{S()}\":1,\"features\":[2],\"label\":\"b{S()}\"}}\n");
            case 3:
                return Encoding.UTF8.GetBytes($"{{\"text\":\"x{S()}\",\"label\":\"a\"}}\n{{\"text\":\"y\",\"label\":\"b\",\"{S()}\":[\"{S()}\"]}}\n");
            case 4:
                var depth = random.Next(50, 5000);
                return Encoding.UTF8.GetBytes($"{{\"features\":[1],\"label\":\"a\",\"deep\":{new string('[', depth)}{new string(']', random.Next(2) == 0 ? depth : 0)}}}\n");
            case 5:
                return Encoding.UTF8.GetBytes($"{{\"features\":[{N()},1],\"label\":\"a\"}}\n{{\"features\":[2,{N()}],\"label\":\"b\"}}\n");
            case 6:
                return Encoding.UTF8.GetBytes($"{{\"features\":[1],\"target\":{N()}}}\n{{\"features\":[2],\"target\":{N()}}}\n{{\"features\":[3],\"label\":{N()}}}\n");
            case 7:
                string[] blanks = ["", "\n", "\r\n\r\n", "\uFEFF", "\uFEFF\n \t\n", " ", "\n\n\n{}\n", "{}", "[]", "null", "\"x\""];
                return Encoding.UTF8.GetBytes(blanks[random.Next(blanks.Length)]);
            case 8:
                return Encoding.UTF8.GetBytes($"x,y,label\n{N()},1,a\n2,{N()},b\n\"{S()}\",3,c\n");
            case 9:
                string[] csv = ["label\n", "x,label\n", "x,label\n1\n", "x,label\n\"1,a\n", "x,label,label\n1,a,b\n", "x,target\n1,1e999\n2,3\n", "\"\n", "x,label\n1,a\n2,a\n",
                    "x,label\n" + new string(',', 100_000) + "\n", "a,b\n1,2\n"];
                return Encoding.UTF8.GetBytes(csv[random.Next(csv.Length)]);
            case 10:
                var line = Encoding.UTF8.GetBytes("{\"features\":[" + string.Join(',', Enumerable.Repeat("1", random.Next(1, 50_000))) + "],\"label\":\"a\"}\n");
                return [.. good, .. line];
            default:
                // Truncated UTF-8 sequences at the very end, and overlong encodings in the middle.
                byte[][] tails = [[0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xC0, 0xAF], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xED, 0xBF, 0xBF]];
                var tail = tails[random.Next(tails.Length)];
                return random.Next(2) == 0 ? [.. good, .. tail] : [.. good[..20], .. tail, .. good[20..]];
        }
    }

    private static byte[] Bytes(params object[] parts)
        => [.. parts.SelectMany(p => p is string s ? Encoding.UTF8.GetBytes(s) : [Convert.ToByte(p, System.Globalization.CultureInfo.InvariantCulture)])];

    private static async Task<(HttpStatusCode Status, string Text)> UploadAsync(HttpClient http, string name, byte[] content)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", name);
        form.Add(new StringContent("fine-tune"), "purpose");
        using var response = await http.PostAsync("/v1/files", form);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
