#include "services/common/calendar.h"

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/common/period.h"

namespace zwfw {
namespace {

bool IsWeekend(absl::CivilDay day) {
  absl::Weekday w = absl::GetWeekday(day);
  return w == absl::Weekday::saturday || w == absl::Weekday::sunday;
}

bool ParseDay(absl::string_view text, absl::CivilDay* day) {
  // absl::ParseCivilTime accepts "2020-10-01"; require that exact shape.
  if (text.size() != 10) return false;
  return absl::ParseCivilTime(text, day);
}

// "2020.txt" -> 2020; 0 for any other name.
int YearOfFileName(absl::string_view name) {
  int year = 0;
  if (!absl::ConsumeSuffix(&name, ".txt") || name.size() != 4 ||
      !absl::SimpleAtoi(name, &year)) {
    return 0;
  }
  return year;
}

}  // namespace

absl::StatusOr<Calendar> Calendar::FromFiles(const std::vector<File>& files) {
  Calendar calendar;
  for (const File& file : files) {
    absl::Status s = calendar.ParseFile(file);
    if (!s.ok()) return s;
  }
  return calendar;
}

absl::StatusOr<Calendar> Calendar::LoadDirectory(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("calendar folder ", dir, " cannot be opened"));
  }
  std::vector<std::string> names;
  while (dirent* entry = readdir(d)) {
    absl::string_view name = entry->d_name;
    if (absl::EndsWith(name, ".txt")) names.emplace_back(name);
  }
  closedir(d);
  if (names.empty()) {
    return absl::NotFoundError(
        absl::StrCat("calendar folder ", dir, " has no *.txt file"));
  }
  std::sort(names.begin(), names.end());
  std::vector<File> files;
  for (const std::string& name : names) {
    std::ifstream in(dir + "/" + name);
    std::stringstream contents;
    contents << in.rdbuf();
    if (!in) {
      return absl::NotFoundError(
          absl::StrCat("calendar file ", dir, "/", name, " cannot be read"));
    }
    files.push_back({name, contents.str()});
  }
  return FromFiles(files);
}

absl::Status Calendar::ParseFile(const File& file) {
  const int file_year = YearOfFileName(file.name);
  if (file_year != 0) years_.insert(file_year);
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(file.contents, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat("calendar ", file.name, " line ", line_no, ": ", why));
    };
    std::vector<absl::string_view> words =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (words[0] == "hours") {
      absl::Status s = ParseHours(words);
      if (!s.ok()) return bad(s.message());
      continue;
    }
    const bool off = words[0] == "off";
    if (!off && words[0] != "work") {
      return bad(absl::StrCat("expected \"off\", \"work\" or \"hours\", got \"",
                              words[0], "\""));
    }
    absl::CivilDay first;
    if (words.size() < 2 || !ParseDay(words[1], &first)) {
      return bad("expected a date like 2020-10-01 after the keyword");
    }
    absl::CivilDay last = first;
    if (off && words.size() >= 3 && ParseDay(words[2], &last) && last < first) {
      return bad("range ends before it starts");
    }
    if (file_year != 0 &&
        (first.year() != file_year || last.year() != file_year)) {
      return bad(absl::StrCat("date outside ", file_year));
    }
    if (!off && !IsWeekend(first)) {
      return bad(absl::StrCat(absl::FormatCivilTime(first),
                              " is a weekday; only weekend days can be "
                              "make-up working days"));
    }
    for (absl::CivilDay d = first; d <= last; ++d) {
      (off ? off_ : work_).insert(d);
    }
  }
  return absl::OkStatus();
}

absl::Status Calendar::ParseHours(const std::vector<absl::string_view>& words) {
  if (!hours_.empty()) {
    return absl::InvalidArgumentError("office hours are given twice");
  }
  auto minutes = [](absl::string_view hhmm, int* out) {
    int h = 0, m = 0;
    if (hhmm.size() != 5 || hhmm[2] != ':' ||
        !absl::SimpleAtoi(hhmm.substr(0, 2), &h) ||
        !absl::SimpleAtoi(hhmm.substr(3, 2), &m) || h < 0 || h > 24 || m < 0 ||
        m > 59 || (h == 24 && m != 0)) {
      return false;
    }
    *out = h * 60 + m;
    return true;
  };
  for (size_t i = 1; i < words.size(); ++i) {
    if (absl::StartsWith(words[i], "#")) break;
    std::pair<absl::string_view, absl::string_view> range =
        absl::StrSplit(words[i], absl::MaxSplits('-', 1));
    int from = 0, to = 0;
    if (!minutes(range.first, &from) || !minutes(range.second, &to) ||
        to <= from || (!hours_.empty() && from < hours_.back().second)) {
      hours_.clear();
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", words[i],
          "\" is not an interval like 09:00-12:00 after the previous one"));
    }
    hours_.emplace_back(from, to);
  }
  if (hours_.empty()) {
    return absl::InvalidArgumentError(
        "expected intervals like 09:00-12:00 14:00-17:30 after \"hours\"");
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> Calendar::IsAfterHours(absl::Time t) const {
  if (hours_.empty()) return false;
  const absl::CivilMinute minute = absl::ToCivilMinute(t, ChinaTimeZone());
  absl::StatusOr<bool> working = IsWorkingDay(absl::CivilDay(minute));
  if (!working.ok()) return working.status();
  if (!*working) return true;
  const int of_day = minute.hour() * 60 + minute.minute();
  for (const auto& [from, to] : hours_) {
    if (of_day >= from && of_day < to) return false;
  }
  return true;
}

bool Calendar::Covers(absl::CivilDay day) const {
  return years_.count(static_cast<int>(day.year())) > 0;
}

absl::Status Calendar::CheckCovered(absl::CivilDay day) const {
  if (Covers(day)) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("the working-day calendar has no year ", day.year(),
                   " (add deploy/calendar/", day.year(), ".txt)"));
}

absl::StatusOr<bool> Calendar::IsWorkingDay(absl::CivilDay day) const {
  absl::Status s = CheckCovered(day);
  if (!s.ok()) return s;
  if (off_.count(day) > 0) return false;
  if (work_.count(day) > 0) return true;
  return !IsWeekend(day);
}

absl::StatusOr<absl::CivilDay> Calendar::AddWorkingDays(absl::CivilDay from,
                                                        int n) const {
  if (n < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot add ", n, " working days"));
  }
  absl::CivilDay day = from;
  while (n > 0) {
    ++day;
    absl::StatusOr<bool> working = IsWorkingDay(day);
    if (!working.ok()) return working.status();
    if (*working) --n;
  }
  return day;
}

absl::StatusOr<absl::Time> Calendar::EndOfWorkingDay(absl::Time from,
                                                     int n) const {
  absl::StatusOr<absl::CivilDay> day = AddWorkingDays(ChinaDay(from), n);
  if (!day.ok()) return day.status();
  return absl::FromCivil(*day + 1, ChinaTimeZone());
}

absl::StatusOr<int> Calendar::WorkingDaysBetween(absl::CivilDay from,
                                                 absl::CivilDay to) const {
  if (to < from) {
    absl::StatusOr<int> back = WorkingDaysBetween(to, from);
    if (!back.ok()) return back.status();
    return -*back;
  }
  int count = 0;
  for (absl::CivilDay d = from + 1; d <= to; ++d) {
    absl::StatusOr<bool> working = IsWorkingDay(d);
    if (!working.ok()) return working.status();
    if (*working) ++count;
  }
  return count;
}

}  // namespace zwfw
