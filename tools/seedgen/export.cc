#include "tools/seedgen/export.h"

#include <iconv.h>
#include <xlsxwriter.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "services/common/period.h"
#include "services/common/proto_time.h"

namespace zwfw::seedgen {
namespace {

constexpr char kTitle[] = "綦江区政务服务中心2020年7月办件明细";
const char* const kHeaders[] = {"办件编号", "办理部门",   "事项类别",
                                "办理地点", "即办件",     "是否网办",
                                "办件状态", "受理时间",   "办结时间",
                                "中心办结", "申请人类型", "承诺办结时间"};

const char* YesNo(bool b) { return b ? "是" : "否"; }

// One case's cells; times as absl::Time (nullopt-like: InfinitePast).
struct Row {
  std::vector<std::string> text;  // every column as text
  absl::Time accepted, completed, due;
};

Row RowOf(const zwfw::v1::Case& c,
          const std::map<std::string, std::string>& names) {
  Row r;
  auto name = names.find(c.department_code());
  r.accepted = ToTime(c.accepted_at());
  r.completed = HasTime(c.completed_at()) ? ToTime(c.completed_at())
                                          : absl::InfinitePast();
  r.due = HasTime(c.due_at()) ? ToTime(c.due_at()) : absl::InfinitePast();
  // "2020/7/1 9:30", as Excel writes a date-time in CSV.
  auto time = [](absl::Time t) {
    if (t == absl::InfinitePast()) return std::string();
    absl::CivilMinute m = absl::ToCivilMinute(t, ChinaTimeZone());
    return absl::StrCat(m.year(), "/", m.month(), "/", m.day(), " ", m.hour(),
                        ":", absl::Dec(m.minute(), absl::kZeroPad2));
  };
  r.text = {c.case_no(),
            name != names.end() ? name->second : c.department_code(),
            c.category() == zwfw::v1::ITEM_CATEGORY_APPROVAL ? "审批" : "便民",
            c.site() == zwfw::v1::HANDLING_SITE_CENTER       ? "中心"
            : c.site() == zwfw::v1::HANDLING_SITE_DEPARTMENT ? "部门"
                                                             : "镇街",
            YesNo(c.instant()),
            YesNo(c.online()),
            c.status() == zwfw::v1::CASE_STATUS_COMPLETED ? "办结" : "在办",
            time(r.accepted),
            time(r.completed),
            YesNo(c.completed_in_center()),
            c.applicant_kind() == zwfw::v1::APPLICANT_KIND_ORGANIZATION
                ? "法人"
                : "个人",
            time(r.due)};
  return r;
}

std::map<std::string, std::string> Names(
    const zwfw::v1::DirectorySnapshot& directory) {
  std::map<std::string, std::string> names;
  for (const auto& d : directory.departments()) names[d.code()] = d.name();
  return names;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

absl::StatusOr<std::string> ToGbk(const std::string& utf8) {
  iconv_t cd = iconv_open("GBK", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return absl::InternalError("iconv cannot write GBK");
  }
  std::string out(utf8.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* o = out.data();
  size_t out_left = out.size();
  size_t r = iconv(cd, &in, &in_left, &o, &out_left);
  iconv_close(cd);
  if (r == static_cast<size_t>(-1)) {
    return absl::InvalidArgumentError("text not representable in GBK");
  }
  out.resize(o - out.data());
  return out;
}

lxw_datetime DateTimeOf(absl::Time t) {
  absl::CivilSecond s = absl::ToCivilSecond(t, ChinaTimeZone());
  return {
      static_cast<int>(s.year()),     s.month(), s.day(), s.hour(), s.minute(),
      static_cast<double>(s.second())};
}

}  // namespace

absl::Status WriteCasesCsv(const std::vector<zwfw::v1::Case>& cases,
                           const zwfw::v1::DirectorySnapshot& directory,
                           const std::string& encoding, std::ostream& out) {
  const auto names = Names(directory);
  std::string text = absl::StrCat(kTitle, "\r\n");
  std::vector<std::string> header(std::begin(kHeaders), std::end(kHeaders));
  absl::StrAppend(&text, absl::StrJoin(header, ","), "\r\n");
  for (const auto& c : cases) {
    Row r = RowOf(c, names);
    std::vector<std::string> fields;
    for (const std::string& f : r.text) fields.push_back(CsvField(f));
    absl::StrAppend(&text, absl::StrJoin(fields, ","), "\r\n");
  }
  if (encoding == "gbk") {
    absl::StatusOr<std::string> gbk = ToGbk(text);
    if (!gbk.ok()) return gbk.status();
    out << *gbk;
  } else {
    out << text;
  }
  return out ? absl::OkStatus() : absl::UnavailableError("cannot write");
}

absl::Status WriteCasesXlsx(const std::vector<zwfw::v1::Case>& cases,
                            const zwfw::v1::DirectorySnapshot& directory,
                            const std::string& path) {
  const auto names = Names(directory);
  lxw_workbook* workbook = workbook_new(path.c_str());
  if (workbook == nullptr) {
    return absl::UnavailableError(path + ": cannot be written");
  }
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, "办件明细");
  lxw_format* date = workbook_add_format(workbook);
  format_set_num_format(date, "yyyy/m/d h:mm");
  const int columns = static_cast<int>(std::size(kHeaders));
  worksheet_merge_range(sheet, 0, 0, 0, columns - 1, kTitle, nullptr);
  for (int i = 0; i < columns; ++i) {
    worksheet_write_string(sheet, 1, i, kHeaders[i], nullptr);
  }
  lxw_row_t row = 2;
  for (const auto& c : cases) {
    Row r = RowOf(c, names);
    for (int i = 0; i < columns; ++i) {
      const absl::Time t = i == 7    ? r.accepted
                           : i == 8  ? r.completed
                           : i == 11 ? r.due
                                     : absl::InfiniteFuture();
      if (t == absl::InfinitePast()) continue;  // an empty time
      if (t != absl::InfiniteFuture()) {
        lxw_datetime dt = DateTimeOf(t);
        worksheet_write_datetime(sheet, row, i, &dt, date);
      } else if (!r.text[i].empty()) {
        worksheet_write_string(sheet, row, i, r.text[i].c_str(), nullptr);
      }
    }
    ++row;
  }
  lxw_error error = workbook_close(workbook);
  if (error != LXW_NO_ERROR) {
    return absl::UnavailableError(
        absl::StrCat(path, ": ", lxw_strerror(error)));
  }
  return absl::OkStatus();
}

}  // namespace zwfw::seedgen
