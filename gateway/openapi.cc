#include "gateway/openapi.h"

#include <map>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace zwfw::gateway {
namespace {

using google::protobuf::FieldDescriptor;

std::string SchemaType(const FieldDescriptor* f) {
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL:
      return "boolean";
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_UINT32:
      return "integer";
    // Proto JSON writes 64-bit integers as strings.
    default:
      return "string";
  }
}

}  // namespace

std::string OpenApiJson(const RouteTable& table) {
  std::map<std::string, std::vector<std::string>> paths;  // path → operations
  for (const Route& r : table.routes()) {
    const auto* in = r.method->input_type();
    std::set<std::string> bound;
    std::vector<std::string> parameters;
    for (absl::string_view segment : absl::StrSplit(r.path, '/')) {
      if (segment.size() > 2 && segment.front() == '{') {
        std::string name(segment.substr(1, segment.size() - 2));
        bound.insert(name);
        parameters.push_back(
            absl::StrCat("{\"name\":\"", name,
                         "\",\"in\":\"path\",\"required\":true,"
                         "\"schema\":{\"type\":\"string\"}}"));
      }
    }
    if (!r.body) {
      for (int i = 0; i < in->field_count(); ++i) {
        const FieldDescriptor* f = in->field(i);
        if (bound.count(f->name()) || f->is_repeated() ||
            f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          continue;
        }
        parameters.push_back(absl::StrCat("{\"name\":\"", f->name(),
                                          "\",\"in\":\"query\",\"schema\":{"
                                          "\"type\":\"",
                                          SchemaType(f), "\"}}"));
      }
    }
    std::string op = absl::StrCat(
        "\"", r.verb == "GET" ? "get" : "post", "\":{\"operationId\":\"",
        r.method->service()->name(), "_", r.method->name(), "\",\"summary\":\"",
        r.method->full_name(),
        "\",\"security\":[{\"bearer\":[]}],\"parameters\":[",
        absl::StrJoin(parameters, ","), "]");
    if (r.body) {
      absl::StrAppend(&op,
                      ",\"requestBody\":{\"required\":true,\"content\":{"
                      "\"application/json\":{\"schema\":{\"type\":\"object\","
                      "\"description\":\"proto JSON of ",
                      in->full_name(), "\"}}}}");
    }
    absl::StrAppend(
        &op, ",\"responses\":{\"200\":{\"description\":\"proto JSON of ",
        r.method->output_type()->full_name(),
        "\"},\"default\":{\"description\":\"error\",\"content\":{"
        "\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/"
        "Error\"}}}}}}");
    paths[r.path].push_back(op);
  }
  std::vector<std::string> entries;
  for (const auto& [path, ops] : paths) {
    entries.push_back(
        absl::StrCat("\"", path, "\":{", absl::StrJoin(ops, ","), "}"));
  }
  return absl::StrCat(
      "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"zwfw\",\"version\":\"v1\","
      "\"description\":\"HTTP/JSON gateway of the zwfw services, generated "
      "from the zwfw.v1.http options of the RPCs.\"},\"paths\":{",
      absl::StrJoin(entries, ","),
      "},\"components\":{\"securitySchemes\":{\"bearer\":{\"type\":\"http\","
      "\"scheme\":\"bearer\"}},\"schemas\":{\"Error\":{\"type\":\"object\","
      "\"properties\":{\"code\":{\"type\":\"string\"},\"message\":{\"type\":"
      "\"string\"},\"details\":{\"type\":\"array\"}}}}}}");
}

}  // namespace zwfw::gateway
