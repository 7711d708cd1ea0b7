using static Llm.Runtime.Tests.Grammar.GrammarAssert;

namespace Llm.Runtime.Tests.Grammar;

/// <summary>Objects, arrays and $ref, checked by running the generated GBNF on texts.</summary>
public sealed class JsonSchemaGrammarStructureTests
{
    private const string Person = """
        {"type":"object","properties":{
            "name":{"type":"string"},"age":{"type":"integer"},"email":{"type":"string"},"admin":{"type":"boolean"}},
         "required":["name","admin"],"additionalProperties":false}
        """;

    [Fact]
    public void RequiredPropertiesInSchemaOrderOptionalOnesOmissible()
    {
        Accepts(Person,
            """{"name":"a","admin":true}""",
            """{"name":"a","age":3,"admin":false}""",
            """{"name":"a","email":"e","admin":true}""",
            """{"name":"a","age":3,"email":"e","admin":true}""");
        Rejects(Person,
            """{"admin":true}""",                      // missing required
            """{"name":"a"}""",
            """{"admin":true,"name":"a"}""",           // out of schema order
            """{"name":"a","admin":true,"x":1}""",     // additionalProperties false
            """{"name":"a",,"admin":true}""",
            """{"name":"a","admin":true,}""",
            """{"name":"a","age":"3","admin":true}""");
    }

    [Fact]
    public void AllOptionalPropertiesAllowAnyInOrderSubset()
    {
        const string schema = """{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"},"c":{"type":"integer"}}}""";
        Accepts(schema, "{}", """{"b":1}""", """{"a":1,"c":3}""", """{"c":3}""", """{"a":1,"b":2,"c":3}""");
        Rejects(schema, """{,"b":1}""", """{"b":1,"a":1}""", """{"d":1}""", """{"a":1,"a":1}""");
    }

    [Fact]
    public void AdditionalPropertiesSchemaAllowsOtherNamesButNotDeclaredOnes()
    {
        const string schema = """
            {"type":"object","properties":{"id":{"type":"integer"},"idx":{"type":"integer"}},"required":["id"],
             "additionalProperties":{"type":"string"}}
            """;
        Accepts(schema, """{"id":1}""", """{"id":1,"i":"x","ids":"y","other":"z"}""", """{"id":1,"idx":2,"":"e"}""");
        Rejects(schema, """{"id":1,"id":"dup"}""", """{"id":1,"idx":"dup"}""", """{"id":1,"other":2}""", """{"other":"x","id":1}""");
    }

    [Fact]
    public void AdditionalPropertiesTrueOrAloneAllowsAnyMembers()
    {
        Accepts("""{"type":"object","additionalProperties":true}""", "{}", """{"a":[1],"b":null}""");
        Accepts("""{"type":"object","additionalProperties":{"type":"number"}}""", "{}", """{"a":1,"b":2.5}""");
        Rejects("""{"type":"object","additionalProperties":{"type":"number"}}""", """{"a":"1"}""");
        Accepts("""{"type":"object"}""", "{}", """{"k":{"nested":[true]}}""");
        Accepts("""{"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":true}""", """{"a":1,"b":"x"}""", """{"b":"x"}""");
    }

    [Fact]
    public void RequiredNameWithoutPropertySchemaTakesAnyValue()
    {
        const string schema = """{"type":"object","properties":{"a":{"type":"integer"}},"required":["a","z"]}""";
        Accepts(schema, """{"a":1,"z":[null]}""");
        Rejects(schema, """{"a":1}""");
    }

    [Fact]
    public void NestedObjects()
    {
        const string schema = """
            {"type":"object","properties":{"user":{"type":"object","properties":{"name":{"type":"string"},
             "address":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},"required":["name","address"]}},
             "required":["user"]}
            """;
        Accepts(schema, """{"user":{"name":"n","address":{"city":"c"}}}""");
        Rejects(schema, """{"user":{"name":"n","address":{}}}""", """{"user":{"name":"n"}}""");
    }

    [Fact]
    public void ArrayItemsAndBounds()
    {
        Accepts("""{"type":"array","items":{"type":"integer"}}""", "[]", "[1]", "[1,2,3]");
        Rejects("""{"type":"array","items":{"type":"integer"}}""", "[1,]", "[\"a\"]", "[,1]");
        const string bounded = """{"type":"array","items":{"type":"boolean"},"minItems":2,"maxItems":3}""";
        Accepts(bounded, "[true,false]", "[true,false,true]");
        Rejects(bounded, "[]", "[true]", "[true,true,true,true]");
        Accepts("""{"type":"array","maxItems":0}""", "[]");
        Rejects("""{"type":"array","maxItems":0}""", "[1]");
        Accepts("""{"type":"array","minItems":1}""", "[1,\"a\",null]");
        Rejects("""{"type":"array","minItems":1}""", "[]");
        Accepts("""{"type":"array","items":{"type":"string"},"maxItems":1}""", "[]", "[\"a\"]");
        Rejects("""{"type":"array","items":{"type":"string"},"maxItems":1}""", "[\"a\",\"b\"]");
    }

    [Fact]
    public void PrefixItemsAreTuples()
    {
        const string tuple = """{"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}],"items":false,"minItems":1}""";
        Accepts(tuple, "[\"a\"]", "[\"a\",1]");
        Rejects(tuple, "[]", "[1]", "[\"a\",1,2]", "[\"a\",\"b\"]");
        const string open = """{"type":"array","prefixItems":[{"type":"string"}],"items":{"type":"boolean"},"minItems":1,"maxItems":3}""";
        Accepts(open, "[\"a\"]", "[\"a\",true]", "[\"a\",true,false]");
        Rejects(open, "[\"a\",true,false,true]", "[\"a\",\"b\"]");
        // Draft 4-7 spelling.
        Accepts("""{"type":"array","items":[{"type":"null"},{"type":"integer"}],"additionalItems":false,"minItems":2}""", "[null,3]");
        Rejects("""{"type":"array","items":[{"type":"null"},{"type":"integer"}],"additionalItems":false,"minItems":2}""", "[null]", "[null,3,4]");
    }

    [Fact]
    public void RefsToDefsAndDefinitions()
    {
        const string schema = """
            {"type":"object","properties":{"home":{"$ref":"#/$defs/address"},"work":{"$ref":"#/definitions/address"}},
             "required":["home"],
             "$defs":{"address":{"type":"object","properties":{"zip":{"type":"string","maxLength":5}},"required":["zip"]}},
             "definitions":{"address":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}
            """;
        Accepts(schema, """{"home":{"zip":"12345"}}""", """{"home":{"zip":"1"},"work":{"city":"c"}}""");
        Rejects(schema, """{"home":{"zip":"123456"}}""", """{"home":{"zip":"1"},"work":{"zip":"1"}}""");
    }

    [Fact]
    public void RecursiveRefs()
    {
        const string tree = """
            {"$ref":"#/$defs/node","$defs":{"node":{"type":"object","properties":{
              "value":{"type":"integer"},"children":{"type":"array","items":{"$ref":"#/$defs/node"}}},"required":["value"],
              "additionalProperties":false}}}
            """;
        Accepts(tree, """{"value":1}""", """{"value":1,"children":[{"value":2,"children":[{"value":3}]},{"value":4,"children":[]}]}""");
        Rejects(tree, """{"value":1,"children":[{"children":[]}]}""");
        const string list = """{"type":"object","properties":{"next":{"anyOf":[{"$ref":"#"},{"type":"null"}]}},"required":["next"]}""";
        Accepts(list, """{"next":null}""", """{"next":{"next":{"next":null}}}""");
        Rejects(list, """{"next":{}}""");
    }

    [Fact]
    public void DefinitionNamesDoNotShadowPrimitiveRules()
    {
        const string schema = """{"$defs":{"string":{"type":"integer"}},"type":"object","properties":{"a":{"$ref":"#/$defs/string"},"b":{"type":"string"}},"required":["a","b"]}""";
        Accepts(schema, """{"a":1,"b":"x"}""");
        Rejects(schema, """{"a":"x","b":"x"}""", """{"a":1,"b":1}""");
    }

    [Fact]
    public void PropertyNamesNeedingEscapes()
    {
        const string schema = """{"type":"object","properties":{"a \"q\"":{"type":"integer"},"ünï/cödé":{"type":"integer"}},"required":["a \"q\"","ünï/cödé"]}""";
        Accepts(schema, """{"a \"q\"":1,"ünï/cödé":2}""");
    }

    [Fact]
    public void SingleAllOfAndAnnotationsAreTransparent()
    {
        const string schema = """
            {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"x","title":"T","description":"d","strict":true,
             "type":"object","properties":{"a":{"allOf":[{"$ref":"#/$defs/kind"}],"description":"the kind","default":"x","examples":["x"]}},
             "required":["a"],"$defs":{"kind":{"enum":["x","y"]}}}
            """;
        Accepts(schema, """{"a":"x"}""", """{"a":"y"}""");
        Rejects(schema, """{"a":"z"}""");
    }
}
