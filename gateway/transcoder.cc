#include "gateway/transcoder.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/json_string.h"
#include "services/common/proto_enum.h"
#include "services/common/status.h"
#include "zwfw/v1/bulletin.pb.h"

namespace zwfw::gateway {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Sets one top-level scalar field from its text; a repeated string or
// int32 field gets one more element (`?indicators=a&indicators=b`,
// `?levels=3&levels=4`).
absl::Status SetField(Message* m, const std::string& name,
                      const std::string& value) {
  const FieldDescriptor* f = m->GetDescriptor()->FindFieldByName(name);
  if (f != nullptr && f->is_repeated() &&
      f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
    m->GetReflection()->AddString(m, f, value);
    return absl::OkStatus();
  }
  if (f != nullptr && f->is_repeated() &&
      f->cpp_type() == FieldDescriptor::CPPTYPE_INT32) {
    int32_t v;
    if (!absl::SimpleAtoi(value, &v)) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": \"", value, "\" is not a valid int32"));
    }
    m->GetReflection()->AddInt32(m, f, v);
    return absl::OkStatus();
  }
  if (f == nullptr || f->is_repeated() ||
      f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, ": not a parameter of ", m->GetDescriptor()->full_name()));
  }
  const auto* r = m->GetReflection();
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        name, ": \"", value, "\" is not a valid ", f->cpp_type_name()));
  };
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      r->SetString(m, f, value);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad();
      r->SetInt32(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad();
      r->SetInt64(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad();
      r->SetUInt64(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (!absl::SimpleAtob(value, &v)) return bad();
      r->SetBool(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      // Full names, or short ones: format=pdf → BULLETIN_FORMAT_PDF.
      const auto* v = FindEnumValue(f->enum_type(), value);
      if (v == nullptr) return bad();
      r->SetEnum(m, f, v);
      return absl::OkStatus();
    }
    default:
      return bad();
  }
}

}  // namespace

absl::StatusOr<std::string> UrlDecode(absl::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%') {
      int hi = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return absl::InvalidArgumentError("bad %-escape in the URL");
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

absl::StatusOr<std::unique_ptr<Message>> BuildRequest(const Match& match,
                                                      absl::string_view query,
                                                      absl::string_view body) {
  const google::protobuf::Descriptor* type = match.route->method->input_type();
  std::unique_ptr<Message> request(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(type)
          ->New());
  if (match.route->body && !body.empty()) {
    google::protobuf::util::JsonParseOptions options;  // unknown: an error
    auto parsed = google::protobuf::util::JsonStringToMessage(
        std::string(body), request.get(), options);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("body: ", std::string(parsed.message())));
    }
  } else if (!body.empty()) {
    return absl::InvalidArgumentError("body: this route takes none");
  }
  for (const auto& [name, raw] : match.path_params) {
    absl::StatusOr<std::string> value = UrlDecode(raw);
    if (!value.ok()) return value.status();
    absl::Status s = SetField(request.get(), name, *value);
    if (!s.ok()) return s;
  }
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(pair, absl::MaxSplits('=', 1));
    absl::StatusOr<std::string> name = UrlDecode(kv.first);
    absl::StatusOr<std::string> value = UrlDecode(kv.second);
    if (!name.ok()) return name.status();
    if (!value.ok()) return value.status();
    absl::Status s = SetField(request.get(), *name, *value);
    if (!s.ok()) return s;
  }
  return request;
}

HttpReply OkReply(const Message& response) {
  HttpReply reply;
  if (response.GetDescriptor() == zwfw::v1::RenderResponse::descriptor()) {
    const auto& r = static_cast<const zwfw::v1::RenderResponse&>(response);
    reply.content_type = r.media_type();
    reply.body = r.content();
    reply.headers.emplace_back(
        "Content-Disposition",
        absl::StrCat("attachment; filename=\"", r.file_name(), "\""));
    reply.headers.emplace_back("X-Content-SHA256", r.sha256());
    return reply;
  }
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(response, &reply.body,
                                                    options);
  return reply;
}

int HttpStatusFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kFailedPrecondition:
      return 409;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    default:
      return 500;
  }
}

HttpReply ErrorReply(const absl::Status& status) {
  HttpReply reply;
  reply.status = HttpStatusFor(status.code());
  reply.body = absl::StrCat(
      "{\"code\":", JsonString(StatusCodeName(static_cast<int>(status.code()))),
      ",\"message\":", JsonString(status.message()), ",\"details\":[]}");
  if (reply.status == 401) {
    reply.headers.emplace_back("WWW-Authenticate", "Bearer");
  }
  return reply;
}

}  // namespace zwfw::gateway
