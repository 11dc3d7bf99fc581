// The JSON reader: arrays of objects and JSON Lines, columns from the first
// object, cell texts (numbers as written), format detection, chunking
// invariance, error messages and positions.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "errscope/byte_source.h"
#include "errscope/record_reader.h"
#include "test_util.h"

namespace errscope::test {
namespace {

using Catch::Matchers::Contains;
using Names = std::vector<std::string>;
using Rows = std::vector<std::vector<std::string>>;
using Lines = std::vector<int64_t>;

ParsedInput Parse(const std::string& data, const std::string& name = "t.json",
                  const ReaderOptions& options = {}) {
  return ParseOk(data, name, options);
}

/// Reads `data` `step` bytes at a time, one record per chunk; returns the
/// rows, or the first error in `*error`.
ParsedInput ParseTrickle(const std::string& data, size_t step,
                         std::string* error, const std::string& name = "t.json") {
  ReaderOptions options;
  options.chunk_bytes = 1;
  ParsedInput parsed;
  error->clear();
  ParseAll(data, name, options, &parsed, error, step);
  return parsed;
}

std::string ParseError(const std::string& data,
                       const std::string& name = "t.json") {
  return ParseFails(data, name);
}

TEST_CASE("json: an array of objects, columns from the first object",
          "[json]") {
  ParsedInput p = Parse(
      "[{\"z\": \"cat\", \"a\": 1, \"m\": true},\n"
      " {\"m\": false, \"z\": \"dog\"},\n"
      " {\"z\": null, \"a\": 0.25, \"m\": null}]\n");
  CHECK(p.format == "json");
  CHECK(p.columns == Names{"z", "a", "m"});
  // A missing key and null are both empty cells; keys are matched by name.
  CHECK(p.rows == Rows{{"cat", "1", "true"}, {"dog", "", "false"},
                       {"", "0.25", ""}});
  CHECK(p.lines == Lines{1, 2, 3});
}

TEST_CASE("json: cell texts of numbers, strings and nested values",
          "[json]") {
  ParsedInput p = Parse(
      "{\"n\": 1.0, \"s\": \"q\\\"x\\ny \\u00e9\", \"p\": [0.1, 0.9], "
      "\"o\": {\"k\": [1, 2]}, \"i\": -3}\n",
      "t.jsonl");
  CHECK(p.format == "jsonl");
  CHECK(p.columns == Names{"n", "s", "p", "o", "i"});
  CHECK(p.rows == Rows{{"1.0", "q\"x\ny \xC3\xA9", "[0.1,0.9]",
                        "{\"k\":[1,2]}", "-3"}});
}

TEST_CASE("json: numbers keep the spelling they were written with", "[json]") {
  // A cell is the number's text, not a re-printed double: 14074.70 stays
  // 14074.70 (the CSV of the same data says so too); 1e400 is text as well.
  const std::string record =
      "{\"a\": 14074.70, \"b\": 1e3, \"c\": -0, \"d\": 1E+3, \"e\": 0.000000, "
      "\"f\": 123456789012345678901234567890, \"g\": 1e400 ,\"h\": -2.5e-3 }";
  const Rows expected = {{"14074.70", "1e3", "-0", "1E+3", "0.000000",
                          "123456789012345678901234567890", "1e400",
                          "-2.5e-3"}};
  CHECK(Parse(record + "\n", "t.jsonl").rows == expected);
  // In an array, blanks and newlines after a number are not part of it.
  std::string multiline = record;
  multiline.replace(multiline.find(" ,"), 2, "\n\t,");
  CHECK(Parse("[" + multiline + "\n]", "t.json").rows == expected);
  CHECK(Parse("{\"t\": true, \"f\": false, \"n\": null}\n", "t.jsonl").rows ==
        Rows{{"true", "false", ""}});
}

TEST_CASE("json: nested arrays and objects are compact JSON cells", "[json]") {
  ParsedInput p = Parse(
      "[{\"p\": [ 0.1, 0.83 ,0.07 ], \"q\": [1e3, {\"k\" : -0, \"l\": []}],\n"
      " \"r\": {\"s\": \"a\\u00e9\\\"\\n\\u0001\\/\",\n"
      "        \"t\": [true, false, null]},\n"
      " \"e\": {}}]",
      "t.json");
  // Numbers as written; strings as nlohmann_json writes them (as before):
  // escapes only for quotes, backslashes and control characters.
  CHECK(p.rows == Rows{{"[0.1,0.83,0.07]", "[1e3,{\"k\":-0,\"l\":[]}]",
                        "{\"s\":\"a\xC3\xA9\\\"\\n\\u0001/\",\"t\":[true,false,"
                        "null]}",
                        "{}"}});
  CHECK(p.lines == Lines{1});
}

TEST_CASE("json: keys match by unescaped text, a repeated key's last wins",
          "[json]") {
  ParsedInput p = Parse(
      "{\"l\\u0061bel\": \"x\", \"b\": 1, \"b\": 2}\n"
      "{\"b\": 3, \"label\": \"y\"}\n"
      "{\"\\u006cabel\": \"z\", \"b\": 4, \"label\": \"w\"}\n",
      "t.jsonl");
  CHECK(p.columns == Names{"label", "b"});
  CHECK(p.rows == Rows{{"x", "2"}, {"y", "3"}, {"w", "4"}});
}

TEST_CASE("json: numbers as labels are classes by value", "[json][cli]") {
  // 1 and 1.0 (and 1e0) are one class, as in a CSV file.
  TempDir dir;
  const std::string path = dir.Write(
      "n.jsonl",
      "{\"label\": 1, \"pred\": 1.0}\n{\"label\": 0, \"pred\": 0}\n"
      "{\"label\": 1e0, \"pred\": 1}\n{\"label\": 0.0, \"pred\": -0}\n");
  CliResult r = RunCli({"analyze", path, "--format", "json"});
  REQUIRE(r.exit_code == 0);
  const nlohmann::json report = nlohmann::json::parse(r.out);
  CHECK(report["classes"] == nlohmann::json({"0", "1"}));
  CHECK(report["summary"]["correct"] == 4);
}

TEST_CASE("json: braces and quotes inside strings do not end a record",
          "[json]") {
  ParsedInput p = Parse(
      "[{\"t\": \"} ] {\\\" [\", \"u\": \"\\\\\"},\n"
      " {\"t\": \"\\\\\\\"}\", \"u\": \"x\"}]");
  CHECK(p.rows == Rows{{"} ] {\" [", "\\"}, {"\\\"}", "x"}});
  CHECK(p.lines == Lines{1, 2});
}

TEST_CASE("json: a key missing from the first object is reported", "[json]") {
  SourceInfo info;
  info.name = "t.jsonl";
  Status status;
  auto reader = OpenRecordReader(
      OpenString("{\"a\": 1}\n{\"a\": 2}\n{\"b\": 3, \"a\": 4, \"c\": 5}\n",
                 &info),
      info, {}, &status);
  REQUIRE(reader != nullptr);
  CHECK(reader->column_names() == Names{"a"});
  Chunk chunk;
  RawBatch batch;
  REQUIRE(reader->NextChunk(&chunk, &status));
  REQUIRE(reader->ParseChunk(chunk, &batch, &status));
  REQUIRE(batch.rows() == 3);
  CHECK(batch.cell(2, 0) == "4");
  CHECK(batch.unknown_key == "b");
  CHECK(batch.unknown_key_line == 3);
  CHECK_FALSE(reader->NextChunk(&chunk, &status));
  CHECK(status.ok());
}

TEST_CASE("json: JSON Lines with blank lines and CRLF", "[json]") {
  ParsedInput p = Parse(
      "\n{\"a\": \"x\", \"b\": 1}\r\n\r\n  \n{\"b\": 2, \"a\": \"y\"}\n\n"
      "  {\"a\": \"z\"}",
      "t.ndjson");
  CHECK(p.columns == Names{"a", "b"});
  CHECK(p.rows == Rows{{"x", "1"}, {"y", "2"}, {"z", ""}});
  CHECK(p.lines == Lines{2, 5, 7});
}

TEST_CASE("json: the format is detected from the content", "[json]") {
  SECTION("a .json file of JSON Lines") {
    ParsedInput p = Parse("{\"a\": 1}\n{\"a\": 2}\n", "t.json");
    CHECK(p.format == "jsonl");
    CHECK(p.rows == Rows{{"1"}, {"2"}});
  }
  SECTION("no extension") {
    CHECK(Parse("[{\"a\": 1}]", "-").format == "json");
    CHECK(Parse("{\"a\": 1}\n", "data").format == "jsonl");
    CHECK(Parse("a,b\n1,2\n", "data").format == "csv");
  }
  SECTION("after blank lines and a byte order mark") {
    ParsedInput p = Parse("\xEF\xBB\xBF\n\n  [{\"a\": 1}]", "data");
    CHECK(p.format == "json");
    CHECK(p.columns == Names{"a"});
    CHECK(p.lines == Lines{3});
    CHECK(Parse("\n\n\n{\"a\": 1}\n", "t.json").format == "jsonl");
    CHECK(Parse("\xEF\xBB\xBF{\"a\": 1}\n", "-").rows == Rows{{"1"}});
  }
}

TEST_CASE("json: line numbers in a pretty-printed array", "[json]") {
  ParsedInput p = Parse(
      "[\n"
      "  {\n"
      "    \"a\": 1,\n"
      "    \"b\": [\n"
      "      2\n"
      "    ]\n"
      "  },\n"
      "\n"
      "  {\"a\": 3, \"b\": []}, {\"a\": 4, \"b\": {}}\n"
      "]\n");
  CHECK(p.columns == Names{"a", "b"});
  CHECK(p.rows == Rows{{"1", "[2]"}, {"3", "[]"}, {"4", "{}"}});
  CHECK(p.lines == Lines{2, 9, 9});
}

/// 200 records over one or several lines each, with their expected rows and
/// lines, as an array (`lines` false) or JSON Lines.
std::string ChunkingInput(bool lines, Rows* rows, Lines* line_numbers) {
  std::string data = lines ? "" : "[\n";
  int64_t line = lines ? 1 : 2;
  for (int i = 0; i < 200; ++i) {
    std::string id = std::to_string(i);
    line_numbers->push_back(line);
    rows->push_back({id, "t}\"" + id, i % 3 == 0 ? "" : "[" + id + "]"});
    data += "{\"id\": " + id + ", \"text\": \"t}\\\"" + id + "\"";
    if (i % 3 != 0) data += ", \"v\": [" + id + "]";
    if (i % 3 == 1 && !lines) {
      data += "\n";  // a record over two lines
      ++line;
    }
    if (i == 0) data += ", \"v\": null";
    data += "}";
    if (!lines && i + 1 < 200) data += ",";
    data += i % 5 == 0 ? "\n\n" : "\n";
    line += i % 5 == 0 ? 2 : 1;
  }
  return lines ? data : data + "]\n";
}

TEST_CASE("json: rows and lines do not depend on chunk or read sizes",
          "[json][chunking]") {
  for (bool lines : {false, true}) {
    INFO("JSON Lines: " << lines);
    Rows rows;
    Lines line_numbers;
    const std::string data = ChunkingInput(lines, &rows, &line_numbers);
    for (size_t chunk_bytes : {size_t{1}, size_t{1} << 20}) {
      INFO("chunk_bytes " << chunk_bytes);
      ReaderOptions options;
      options.chunk_bytes = chunk_bytes;
      ParsedInput p = Parse(data, "t.json", options);
      CHECK(p.columns == Names{"id", "text", "v"});
      CHECK(p.rows == rows);
      CHECK(p.lines == line_numbers);
    }
    std::string error;
    ParsedInput t = ParseTrickle(data, 5, &error);
    CHECK(error.empty());
    CHECK(t.rows == rows);
    CHECK(t.lines == line_numbers);
  }
}

TEST_CASE("json: invalid JSON inside an object names the offending byte",
          "[json][error]") {
  // Line 3 is `   "b": x}`: the x is at column 9.
  std::string error = ParseError("[{\"a\": 1},\n {\"a\": 2,\n   \"b\": x}]\n");
  CHECK_THAT(error, Contains("t.json:3:9: invalid JSON"));
  // JSON Lines: `  {"a": @}` on line 2, the @ at column 9.
  error = ParseError("{\"a\": 1}\n  {\"a\": @}\n", "t.jsonl");
  CHECK_THAT(error, Contains("t.jsonl:2:9: invalid JSON"));
  // In the first record too (the columns come from it).
  CHECK_THAT(ParseError("[{\"a\" 1}]"), Contains("t.json:1:7: invalid JSON"));
}

TEST_CASE("json: an error on a later line of a JSON Lines chunk",
          "[json][error][chunking]") {
  // Line 5 is `{"a": 5, "b": [1, 2,]}`: the ']' is at column 21.
  std::string data;
  for (int i = 1; i <= 4; ++i) data += "{\"a\": " + std::to_string(i) + "}\n";
  data += "{\"a\": 5, \"b\": [1, 2,]}\n{\"a\": 6}\n";
  const std::string where =
      "t.jsonl:5:21: invalid JSON: syntax error while parsing value - "
      "unexpected ']'";
  CHECK_THAT(ParseError(data, "t.jsonl"), Contains(where));
  for (size_t step : {size_t{1}, size_t{7}}) {
    INFO("read step " << step);
    std::string error;
    ParseTrickle(data, step, &error, "t.jsonl");
    CHECK_THAT(error, Contains(where));
  }
  // A string followed by ':' (simdjson alone would skip it as a key).
  CHECK_THAT(ParseError("{\"a\": 1}\n{\"a\": \"b\": 1}\n", "t.jsonl"),
             Contains("t.jsonl:2:10: invalid JSON: syntax error while parsing "
                      "object - unexpected ':'; expected '}'"));
  // A second value on the line.
  CHECK_THAT(ParseError("{\"a\": 1} {\"a\": 2}\n", "t.jsonl"),
             Contains("t.jsonl:1:10: invalid JSON: syntax error while parsing "
                      "value - unexpected '{'; expected end of input"));
}

TEST_CASE("json: malformed values are refused, each at its position",
          "[json][error]") {
  struct Case {
    std::string record;  // line 2, after a good first record
    const char* message;
  };
  const Case cases[] = {
      {"{\"a\": 01}", "t.jsonl:2:8: invalid JSON"},
      {"{\"a\": 1.}", "t.jsonl:2:9: invalid JSON"},
      {"{\"a\": -}", "t.jsonl:2:8: invalid JSON"},
      {"{\"a\": tru}", "t.jsonl:2:10: invalid JSON"},
      {"{\"a\": nul1}", "t.jsonl:2:10: invalid JSON"},
      {"{\"a\": [1 2]}", "t.jsonl:2:10: invalid JSON"},
      {"{\"a\": 1,}", "t.jsonl:2:9: invalid JSON"},
      {"{\"a\": \"\\x\"}", "t.jsonl:2:9: invalid JSON"},
      {"{\"a\": \"\\ud800\"}", "t.jsonl:2:14: invalid JSON"},
      {"{\"a\": [\"\\ud800\"]}", "t.jsonl:2:15: invalid JSON"},
      {"{\"a\": \"\x01\"}", "t.jsonl:2:8: invalid JSON"},
      {"{\"\\q\": 1}", "t.jsonl:2:4: invalid JSON"},
      {"{\"a\": {\"\\q\": 1}}", "t.jsonl:2:10: invalid JSON"},
      // nlohmann_json, which names the errors, stops at a number beyond a
      // double (errscope takes it as text): the error after it is found.
      {"{\"a\": 1e400, \"b\" 2}", "t.jsonl:2:18: invalid JSON"},
      // nlohmann_json takes a NUL byte for the end of the input.
      {std::string("{\"a\": 1}  \0", 11),
       "t.jsonl:2:11: invalid JSON: unexpected NUL byte"},
  };
  for (const Case& c : cases) {
    INFO(c.record);
    CHECK_THAT(ParseError("{\"a\": 0}\n" + c.record + "\n", "t.jsonl"),
               Contains(c.message));
  }
}

TEST_CASE("json: invalid UTF-8 is refused where it is", "[json][error]") {
  // As before: nlohmann_json names it; simdjson refuses it too.
  CHECK_THAT(ParseError("{\"a\": \"x\"}\n{\"a\": \"b\xFF\"}\n", "t.jsonl"),
             Contains("t.jsonl:2:9: invalid JSON: syntax error while parsing "
                      "value - invalid string: ill-formed UTF-8 byte"));
  CHECK_THAT(ParseError("[{\"a\": \"\xC3\"}]"),
             Contains("t.json:1:10: invalid JSON"));
}

TEST_CASE("json: deep nesting is refused, not recursed into", "[json][error]") {
  auto nested = [](int depth) {
    return std::string(depth, '[') + std::string(depth, ']');
  };
  // The record's object is level 1: 1023 arrays inside it are allowed.
  ParsedInput p = Parse("{\"a\": " + nested(1023) + "}\n", "t.jsonl");
  CHECK(p.rows == Rows{{nested(1023)}});
  // One more, and the 1024th '[' (column 6 + 1024) is the error.
  CHECK_THAT(
      ParseError("{\"a\": 0}\n{\"a\": " + nested(1024) + "}\n", "t.jsonl"),
      Contains("t.jsonl:2:1030: invalid JSON: arrays and objects nested "
               "more than 1024 levels deep"));
  // Far deeper input (once a crash) gets the same error, even unclosed.
  CHECK_THAT(
      ParseError("[{\"a\": " + nested(200000) + "}]"),
      Contains("t.json:1:1031: invalid JSON: arrays and objects nested"));
  CHECK_THAT(
      ParseError("{\"a\": " + std::string(200000, '[') + "\n", "t.jsonl"),
      Contains("t.jsonl:1:1030: invalid JSON: arrays and objects"));
}

TEST_CASE("json: columns of errors on one line survive chunk cuts",
          "[json][error][chunking]") {
  // Many records on one line, as json.dump writes them; the x is at column 38.
  const std::string data = "[{\"a\": 1}, {\"a\": 2}, {\"a\": 3}, {\"a\": x}]";
  CHECK_THAT(ParseError(data), Contains("t.json:1:38: invalid JSON"));
  for (size_t step : {size_t{1}, size_t{4}, size_t{11}}) {
    INFO("read step " << step);
    std::string error;
    ParseTrickle(data, step, &error);
    CHECK_THAT(error, Contains("t.json:1:38: invalid JSON"));
    ParseTrickle("[{\"a\": 1}, {\"a\": 2}] x", step, &error);
    CHECK_THAT(error, Contains("t.json:1:22: unexpected data after the end"));
  }
}

TEST_CASE("json: elements that are not objects", "[json][error]") {
  CHECK_THAT(ParseError("[1,2]"),
             Contains("t.json:1:2: expected a JSON object, got \"1\""));
  CHECK_THAT(ParseError("[{\"a\": 1},\n \"x\"]"),
             Contains("t.json:2:2: expected a JSON object, got \"\\\"\""));
  CHECK_THAT(ParseError("{\"a\": 1}\n[1]\n", "t.jsonl"),
             Contains("t.jsonl:2:1: expected a JSON object, got array"));
  CHECK_THAT(ParseError("[1]\n", "t.jsonl"),
             Contains("t.jsonl:1:1: expected a JSON object, got array"));
}

TEST_CASE("json: malformed arrays", "[json][error]") {
  CHECK_THAT(ParseError("[{\"a\": 1}\n {\"a\": 2}]"),
             Contains("t.json:2:2: expected ',' or ']' after an object"));
  CHECK_THAT(ParseError("[{\"a\": 1},\n]"),
             Contains("t.json:2:1: expected a JSON object, got \"]\""));
  CHECK_THAT(ParseError("[{\"a\": 1}"),
             Contains("t.json:1:10: unexpected end of input: the JSON array "
                      "is not closed with ']'"));
  CHECK_THAT(ParseError("[{\"a\": 1},\n {\"a\": 2"),
             Contains("t.json:2:2: unexpected end of input inside this object"));
  CHECK_THAT(ParseError("[{\"a\": 1}]\n\n  ]"),
             Contains("t.json:3:3: unexpected data after the end of the JSON "
                      "array"));
}

TEST_CASE("json: empty input and no records", "[json][error]") {
  CHECK_THAT(ParseError(""), Contains("t.json: empty input"));
  CHECK_THAT(ParseError(" \n"), Contains("t.json: empty input"));
  CHECK_THAT(ParseError("[]"),
             Contains("t.json: no records: expected at least one JSON object"));
  CHECK_THAT(ParseError(" [ \n ] \n"), Contains("t.json: no records"));
  CHECK_THAT(ParseError("\n\n", "t.jsonl"), Contains("t.jsonl: no records"));
}

}  // namespace
}  // namespace errscope::test
