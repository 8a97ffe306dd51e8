#include "services/common/directory_index.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace zwfw {
namespace {

using zwfw::v1::DirectorySnapshot;

bool IsCodeChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

// "departments[3] (code \"11500110\")": how errors name an entry.
std::string EntryName(absl::string_view list, int index,
                      absl::string_view code) {
  if (code.empty()) return absl::StrCat(list, "[", index, "]");
  return absl::StrCat(list, "[", index, "] (code \"", code, "\")");
}

absl::Status Invalid(absl::string_view entry, absl::string_view field,
                     absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat(entry, ": ", field, ": ", why));
}

absl::Status CheckCode(absl::string_view entry, absl::string_view field,
                       absl::string_view code) {
  if (code.empty()) return Invalid(entry, field, "is empty");
  if (code.size() > kMaxCodeBytes) {
    return Invalid(entry, field,
                   absl::StrCat("is longer than ", kMaxCodeBytes, " bytes"));
  }
  if (!std::all_of(code.begin(), code.end(), IsCodeChar)) {
    return Invalid(entry, field,
                   "may contain only letters, digits, '_', '.' and '-'");
  }
  return absl::OkStatus();
}

// Names and aliases: non-empty, bounded, no control characters.
absl::Status CheckName(absl::string_view entry, absl::string_view field,
                       absl::string_view name, bool required) {
  if (name.empty()) {
    return required ? Invalid(entry, field, "is empty") : absl::OkStatus();
  }
  if (name.size() > kMaxNameBytes) {
    return Invalid(entry, field,
                   absl::StrCat("is longer than ", kMaxNameBytes, " bytes"));
  }
  if (std::any_of(name.begin(), name.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20;
      })) {
    return Invalid(entry, field, "contains a control character");
  }
  return absl::OkStatus();
}

absl::Status CheckCount(absl::string_view list, int size, int max) {
  if (size <= max) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(list, ": ", size, " entries, more than the limit of ", max));
}

}  // namespace

absl::StatusOr<std::shared_ptr<const DirectoryIndex>> DirectoryIndex::Build(
    DirectorySnapshot snapshot, int64_t version) {
  absl::Status s =
      CheckCount("departments", snapshot.departments_size(), kMaxDepartments);
  if (s.ok()) s = CheckCount("windows", snapshot.windows_size(), kMaxWindows);
  if (s.ok()) s = CheckCount("staff", snapshot.staff_size(), kMaxStaff);
  if (s.ok()) {
    s = CheckCount("service_items", snapshot.service_items_size(),
                   kMaxServiceItems);
  }
  if (!s.ok()) return s;

  auto index = std::shared_ptr<DirectoryIndex>(new DirectoryIndex());
  index->version_ = version;

  for (int i = 0; i < snapshot.departments_size(); ++i) {
    const zwfw::v1::Department& d = snapshot.departments(i);
    std::string entry = EntryName("departments", i, d.code());
    s = CheckCode(entry, "code", d.code());
    if (s.ok()) s = CheckName(entry, "name", d.name(), /*required=*/true);
    if (s.ok()) s = CheckName(entry, "group", d.group(), /*required=*/false);
    if (s.ok()) {
      s = CheckName(entry, "table_name", d.table_name(), /*required=*/false);
    }
    if (s.ok() && d.aliases_size() > kMaxAliases) {
      s = Invalid(entry, "aliases",
                  absl::StrCat("more than ", kMaxAliases, " aliases"));
    }
    if (!s.ok()) return s;
    if (!index->department_by_name_.emplace(d.code(), i).second) {
      return Invalid(entry, "code",
                     "is already the code or an alias of another department");
    }
    if (d.name() != d.code() &&
        !index->department_by_name_.emplace(d.name(), i).second) {
      return Invalid(
          entry, "name",
          absl::StrCat("\"", d.name(), "\" already names another department"));
    }
    if (!d.table_name().empty() && d.table_name() != d.code() &&
        d.table_name() != d.name() &&
        !index->department_by_name_.emplace(d.table_name(), i).second) {
      return Invalid(entry, "table_name",
                     absl::StrCat("\"", d.table_name(),
                                  "\" already names another department"));
    }
    for (const std::string& alias : d.aliases()) {
      s = CheckName(entry, "aliases", alias, /*required=*/true);
      if (!s.ok()) return s;
      if (!index->department_by_name_.emplace(alias, i).second) {
        return Invalid(entry, "aliases",
                       absl::StrCat("\"", alias,
                                    "\" already names another department "
                                    "or is repeated"));
      }
    }
  }

  // Department references may use aliases; store the code.
  auto resolve = [&](absl::string_view entry, std::string* department_code) {
    if (department_code->empty()) {
      return Invalid(entry, "department_code", "is empty");
    }
    auto it = index->department_by_name_.find(*department_code);
    if (it == index->department_by_name_.end()) {
      return Invalid(entry, "department_code",
                     absl::StrCat("no department \"", *department_code,
                                  "\" in the snapshot"));
    }
    *department_code = snapshot.departments(it->second).code();
    return absl::OkStatus();
  };

  for (int i = 0; i < snapshot.windows_size(); ++i) {
    zwfw::v1::Window* w = snapshot.mutable_windows(i);
    std::string entry = EntryName("windows", i, w->code());
    s = CheckCode(entry, "code", w->code());
    if (s.ok()) s = CheckName(entry, "name", w->name(), /*required=*/true);
    if (s.ok()) s = resolve(entry, w->mutable_department_code());
    if (!s.ok()) return s;
    if (!index->window_by_code_.emplace(w->code(), i).second) {
      return Invalid(entry, "code", "is repeated");
    }
  }

  for (int i = 0; i < snapshot.staff_size(); ++i) {
    const zwfw::v1::Staff& m = snapshot.staff(i);
    std::string entry = EntryName("staff", i, m.code());
    s = CheckCode(entry, "code", m.code());
    if (s.ok()) s = CheckName(entry, "name", m.name(), /*required=*/true);
    if (!s.ok()) return s;
    if (!index->window_by_code_.contains(m.window_code())) {
      return Invalid(entry, "window_code",
                     m.window_code().empty()
                         ? "is empty"
                         : absl::StrCat("no window \"", m.window_code(),
                                        "\" in the snapshot"));
    }
    if (!index->staff_by_code_.emplace(m.code(), i).second) {
      return Invalid(entry, "code", "is repeated");
    }
  }

  for (int i = 0; i < snapshot.service_items_size(); ++i) {
    zwfw::v1::ServiceItem* item = snapshot.mutable_service_items(i);
    std::string entry = EntryName("service_items", i, item->code());
    s = CheckCode(entry, "code", item->code());
    if (s.ok()) s = CheckName(entry, "name", item->name(), /*required=*/true);
    if (s.ok()) s = resolve(entry, item->mutable_department_code());
    if (!s.ok()) return s;
    if (item->category() != zwfw::v1::ITEM_CATEGORY_APPROVAL &&
        item->category() != zwfw::v1::ITEM_CATEGORY_CONVENIENCE) {
      return Invalid(entry, "category",
                     "must be ITEM_CATEGORY_APPROVAL or "
                     "ITEM_CATEGORY_CONVENIENCE");
    }
    if (item->kind() == zwfw::v1::ITEM_KIND_INSTANT) {
      if (item->promised_days() != 0) {
        return Invalid(entry, "promised_days", "must be 0 for an instant item");
      }
    } else if (item->kind() == zwfw::v1::ITEM_KIND_PROMISED) {
      if (item->promised_days() < 1 ||
          item->promised_days() > kMaxPromisedDays) {
        return Invalid(entry, "promised_days",
                       absl::StrCat("must be 1 to ", kMaxPromisedDays,
                                    " working days for a promised item"));
      }
    } else {
      return Invalid(entry, "kind",
                     "must be ITEM_KIND_INSTANT or ITEM_KIND_PROMISED");
    }
    if (!index->item_by_code_.emplace(item->code(), i).second) {
      return Invalid(entry, "code", "is repeated");
    }
  }

  // Valid: store departments in display order, and index that order.
  std::stable_sort(
      snapshot.mutable_departments()->begin(),
      snapshot.mutable_departments()->end(),
      [](const zwfw::v1::Department& a, const zwfw::v1::Department& b) {
        if (a.order() != b.order()) return a.order() < b.order();
        return a.code() < b.code();
      });
  index->department_by_name_.clear();
  for (int i = 0; i < snapshot.departments_size(); ++i) {
    const zwfw::v1::Department& d = snapshot.departments(i);
    index->department_by_name_.emplace(d.code(), i);
    index->department_by_name_.emplace(d.name(), i);
    if (!d.table_name().empty()) {
      index->department_by_name_.emplace(d.table_name(), i);
    }
    for (const std::string& alias : d.aliases()) {
      index->department_by_name_.emplace(alias, i);
    }
  }
  index->snapshot_ = std::move(snapshot);
  return std::shared_ptr<const DirectoryIndex>(std::move(index));
}

const zwfw::v1::Department* DirectoryIndex::FindDepartment(
    absl::string_view name) const {
  auto it = department_by_name_.find(name);
  return it == department_by_name_.end() ? nullptr
                                         : &snapshot_.departments(it->second);
}

const zwfw::v1::Window* DirectoryIndex::FindWindow(
    absl::string_view code) const {
  auto it = window_by_code_.find(code);
  return it == window_by_code_.end() ? nullptr : &snapshot_.windows(it->second);
}

const zwfw::v1::Staff* DirectoryIndex::FindStaff(absl::string_view code) const {
  auto it = staff_by_code_.find(code);
  return it == staff_by_code_.end() ? nullptr : &snapshot_.staff(it->second);
}

const zwfw::v1::ServiceItem* DirectoryIndex::FindServiceItem(
    absl::string_view code) const {
  auto it = item_by_code_.find(code);
  return it == item_by_code_.end() ? nullptr
                                   : &snapshot_.service_items(it->second);
}

}  // namespace zwfw
