#include "gateway/routes.h"

#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "zwfw/v1/annotations.pb.h"
#include "zwfw/v1/audit.pb.h"
#include "zwfw/v1/bulletin.pb.h"
#include "zwfw/v1/directory.pb.h"
#include "zwfw/v1/intake.pb.h"
#include "zwfw/v1/scoring.pb.h"
#include "zwfw/v1/survey.pb.h"

namespace zwfw::gateway {
namespace {

const std::pair<const char*, const char*> kServices[] = {
    {"zwfw.v1.Directory", "intake"},  {"zwfw.v1.CaseIntake", "intake"},
    {"zwfw.v1.Survey", "survey"},     {"zwfw.v1.Scoring", "scoring"},
    {"zwfw.v1.Bulletin", "bulletin"},
};

// Services every server serves for itself: their routes are the declared
// paths under /v1/servers/<server>.
const char* const kOnEveryServer[] = {"zwfw.v1.Audit"};
const char* const kServers[] = {"intake", "survey", "scoring", "bulletin"};

std::vector<absl::string_view> Segments(absl::string_view path) {
  return absl::StrSplit(path, '/', absl::SkipEmpty());
}

bool IsParam(absl::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

absl::StatusOr<RouteTable> RouteTable::FromDescriptors() {
  // Reference one message of every proto file so that the linker keeps the
  // generated code, which registers the files' descriptors.
  zwfw::v1::HttpRule::descriptor();
  zwfw::v1::ListDepartmentsRequest::descriptor();
  zwfw::v1::GetCaseStatsRequest::descriptor();
  zwfw::v1::GetSatisfactionStatsRequest::descriptor();
  zwfw::v1::ComputeScorecardRequest::descriptor();
  zwfw::v1::RenderRequest::descriptor();
  zwfw::v1::ListAuditRequest::descriptor();
  RouteTable table;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  std::vector<std::tuple<std::string, std::string, std::string>> services;
  for (const auto& [name, backend] : kServices) {
    services.emplace_back(name, backend, "");
  }
  for (const char* name : kOnEveryServer) {
    for (const char* server : kServers) {
      services.emplace_back(name, server, absl::StrCat("/v1/servers/", server));
    }
  }
  for (const auto& [name, backend, prefix] : services) {
    const google::protobuf::ServiceDescriptor* service =
        pool->FindServiceByName(name);
    if (service == nullptr) {
      return absl::InternalError(absl::StrCat("service ", name, " not linked"));
    }
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* m = service->method(i);
      if (!m->options().HasExtension(zwfw::v1::http)) continue;
      const zwfw::v1::HttpRule& rule =
          m->options().GetExtension(zwfw::v1::http);
      Route r;
      r.verb = rule.get().empty() ? "POST" : "GET";
      r.path =
          absl::StrCat(prefix, rule.get().empty() ? rule.post() : rule.get());
      r.body = rule.body() == "*";
      r.cache = !rule.get().empty() && rule.cache();
      r.method = m;
      r.backend = backend;
      for (absl::string_view segment : Segments(r.path)) {
        if (!IsParam(segment)) continue;
        std::string field(segment.substr(1, segment.size() - 2));
        if (m->input_type()->FindFieldByName(field) == nullptr) {
          return absl::InternalError(
              absl::StrCat(m->full_name(), ": route ", r.path,
                           " binds unknown field ", field));
        }
      }
      for (const Route& other : table.routes_) {
        if (other.verb == r.verb && other.path == r.path) {
          return absl::InternalError(absl::StrCat("route ", r.verb, " ", r.path,
                                                  " is declared twice"));
        }
      }
      table.routes_.push_back(std::move(r));
    }
  }
  return table;
}

absl::StatusOr<Match> RouteTable::Find(absl::string_view verb,
                                       absl::string_view path) const {
  const std::vector<absl::string_view> wanted = Segments(path);
  bool other_verb = false;
  for (const Route& r : routes_) {
    std::vector<absl::string_view> pattern = Segments(r.path);
    if (pattern.size() != wanted.size()) continue;
    Match match;
    bool ok = true;
    for (size_t i = 0; i < pattern.size() && ok; ++i) {
      if (IsParam(pattern[i])) {
        if (wanted[i].empty()) ok = false;
        match.path_params[std::string(pattern[i].substr(
            1, pattern[i].size() - 2))] = std::string(wanted[i]);
      } else {
        ok = pattern[i] == wanted[i];
      }
    }
    if (!ok) continue;
    if (r.verb != verb) {
      other_verb = true;
      continue;
    }
    match.route = &r;
    return match;
  }
  if (other_verb) {
    return absl::FailedPreconditionError(
        absl::StrCat(verb, " is not allowed on ", path));
  }
  return absl::NotFoundError(absl::StrCat("no route ", verb, " ", path));
}

}  // namespace zwfw::gateway
