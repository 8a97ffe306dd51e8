#include "tools/zwfw/command_table.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "tools/zwfw/commands.h"

namespace zwfw::cli {
namespace {

constexpr CommandLine kLines[] = {
    {"directory", "import FILE.json", "replace the directory (admin)"},
    {"directory", "departments [--json]", "list departments"},
    {"directory", "windows [DEPARTMENT] [--json]", "list windows"},
    {"directory", "staff [WINDOW] [--json]", "list staff"},
    {"directory", "items [DEPARTMENT] [--json]", "list service items"},
    {"cases", "import FILE.jsonl [--batch N] [--correction REASON]",
     "stream cases (one proto-JSON Case a line)"},
    {"cases", "import FILE.csv|FILE.xlsx --mapping M.json [--check]",
     "an office's export by its mapping (deploy/import/); --check: dry run"},
    {"cases", "get DEPARTMENT CASE_NO", "one case"},
    {"cases",
     "list [--period P] [--department D] [--status S] [--overtime_only] "
     "[--indicator I [--denominator]] [--limit N] [--json]",
     "cases, page by page; --indicator: those behind its figure"},
    {"cases", "stats --period P [--json]", "the month's attachment table"},
    {"evaluations", "import FILE.jsonl | FILE.csv|.xlsx --mapping M [--check]",
     "好差评 ratings (survey)"},
    {"evaluations",
     "list --period P [--department D] [--indicator I [--denominator]]",
     "the counted ratings; --indicator: those behind its figure"},
    {"visits", "import FILE.jsonl | FILE.csv|.xlsx --mapping M [--check]",
     "return visits (survey)"},
    {"visits",
     "list --period P [--department D] [--indicator I [--denominator]]",
     "return visits; --indicator: those behind its figure"},
    {"rectifications",
     "list [--period P] [--department D] [--state S] [--overdue_only] "
     "[--indicator I]",
     "rectifications of bad ratings"},
    {"rectifications",
     "update EVALUATION_ID STATE [--note N] [--evidence E] "
     "[--follow_up_rating R]",
     "move a rectification"},
    {"satisfaction", "--period P [--json]",
     "ratings, visits, rectifications of the month"},
    {"rules", "set FILE.json", "new scoring rules version (admin)"},
    {"rules", "show", "the scoring rules in force"},
    {"adjustments",
     "add --period P --department D --points -0.5 --reason R [--evidence E]",
     "manual points (admin)"},
    {"adjustments", "list --period P [--department D] [--include_removed]",
     "the period's adjustments"},
    {"adjustments", "remove ID", "withdraw an adjustment (admin)"},
    {"scores", "compute --period P [--json]", "every department's score"},
    {"scores", "explain --period P --department D",
     "one department's score, line by line"},
    {"scores", "freeze --period P", "make the period's scorecard final"},
    {"awards", "set --period P --windows W1,W2 --staff S1,S2",
     "confirm the outstanding windows and staff"},
    {"bulletin", "draft get --period P", "the period's draft"},
    {"bulletin", "draft set FILE.json [--period P] [--start_new_version]",
     "save the draft"},
    {"bulletin", "render --period P --format F [--o FILE]",
     "TEXT, MARKDOWN, HTML, PDF, XLSX or CSV"},
    {"bulletin", "publish --period P", "an immutable published version"},
    {"bulletin", "get --period P [--version V] --format F [--o FILE]",
     "a published version"},
    {"templates", "validate FILE",
     "check a bulletin template here: its first fault's line and column"},
    {"templates", "set NAME FILE", "a new version of a template (admin)"},
    {"templates", "show NAME [--version V] [--json]", "a template as stored"},
    {"indicators",
     "--period P [--compare] [--top N] [--json] (--template T | "
     "INDICATOR...)",
     "figures of the indicator library (README \"Indicators\"), e.g. "
     "accepted speedup_rate"},
    {"health", "[intake|survey|scoring|bulletin|HOST:PORT]",
     "grpc.health.v1 status of a server"},
    {"audit", "list intake|survey|scoring|bulletin [AFTER_SEQ] [--json]",
     "a server's audit trail: who wrote what, when (admin)"},
    {"audit", "verify intake|survey|scoring|bulletin",
     "check the trail's hash chain: exit 3 when an entry was edited or "
     "deleted (admin)"},
    {"tokens", "add --token_file FILE ROLE",
     "add a token (ROLE: admin, service, viewer, department:<code>, "
     "evaluator:<window_code> or channel:<name>)"},
};

int Directory(const ClientOptions& o, const std::string&,
              const std::vector<std::string>& args) {
  return RunDirectoryCommand(o, args);
}
int Cases(const ClientOptions& o, const std::string&,
          const std::vector<std::string>& args) {
  return RunCasesCommand(o, args);
}
int Bulletin(const ClientOptions& o, const std::string&,
             const std::vector<std::string>& args) {
  return RunBulletinCommand(o, args);
}
int Audit(const ClientOptions& o, const std::string&,
          const std::vector<std::string>& args) {
  return RunAuditCommand(o, args);
}
int Indicators(const ClientOptions& o, const std::string&,
               const std::vector<std::string>& args) {
  return RunIndicatorsCommand(o, args);
}
int Templates(const ClientOptions& o, const std::string&,
              const std::vector<std::string>& args) {
  return RunTemplatesCommand(o, args);
}
int Health(const ClientOptions& o, const std::string&,
           const std::vector<std::string>& args) {
  return RunHealthCommand(o, args);
}

constexpr CommandGroup kGroups[] = {
    {"directory", Directory},
    {"cases", Cases},
    {"evaluations", RunSurveyCommand},
    {"visits", RunSurveyCommand},
    {"rectifications", RunSurveyCommand},
    {"satisfaction", RunSurveyCommand},
    {"rules", RunScoringCommand},
    {"adjustments", RunScoringCommand},
    {"scores", RunScoringCommand},
    {"awards", RunScoringCommand},
    {"bulletin", Bulletin},
    {"templates", Templates},
    {"indicators", Indicators},
    {"health", Health},
    {"audit", Audit},
};

}  // namespace

absl::Span<const CommandLine> CommandLines() { return kLines; }

absl::Span<const CommandGroup> CommandGroups() { return kGroups; }

std::string GroupUsage(absl::string_view group) {
  std::string out;
  for (const CommandLine& line : kLines) {
    if (line.group != group) continue;
    absl::StrAppend(&out, out.empty() ? "usage: " : "       ", "zwfw ",
                    line.group, " ", line.synopsis, "\n");
  }
  return out;
}

std::string FullUsage() {
  std::string out = "zwfw COMMAND ...\n";
  for (const CommandLine& line : kLines) {
    absl::StrAppend(&out, "  ", line.group, " ", line.synopsis, "\n      ",
                    line.summary, "\n");
  }
  absl::StrAppend(&out,
                  "Flags: --intake, --survey, --scoring, --bulletin "
                  "(addresses),\n"
                  "  --token, --token_file or $ZWFW_TOKEN, --tls_ca, "
                  "--tls_cert,\n"
                  "  --tls_key, --deadline, --json");
  return out;
}

}  // namespace zwfw::cli
