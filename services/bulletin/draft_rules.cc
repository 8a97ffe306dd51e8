#include "services/bulletin/draft_rules.h"

#include <google/protobuf/descriptor.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace zwfw::bulletin {

absl::Status CheckDraft(const zwfw::v1::Draft& draft) {
  // Every text field of the draft, by its proto name.
  const google::protobuf::Descriptor* type = draft.GetDescriptor();
  const google::protobuf::Reflection* reflection = draft.GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = type->field(i);
    if (field->is_repeated() ||
        field->type() != google::protobuf::FieldDescriptor::TYPE_STRING) {
      continue;
    }
    const size_t size =
        reflection->GetStringReference(draft, field, nullptr).size();
    if (size > kMaxDraftFieldBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("draft.", field->name(), ": ", size,
                       " bytes, longer than ", kMaxDraftFieldBytes));
    }
  }
  for (const auto& [name, items] :
       {std::pair{"work_progress", &draft.work_progress()},
        std::pair{"typical_experience", &draft.typical_experience()}}) {
    if (items->size() > kMaxNarrativeItems) {
      return absl::InvalidArgumentError(
          absl::StrCat("draft.", name, ": ", items->size(),
                       " items, more than ", kMaxNarrativeItems));
    }
    for (int i = 0; i < items->size(); ++i) {
      const zwfw::v1::NarrativeItem& item = items->Get(i);
      if (item.lead().size() > kMaxDraftFieldBytes) {
        return absl::InvalidArgumentError(
            absl::StrCat("draft.", name, "[", i, "].lead: longer than ",
                         kMaxDraftFieldBytes, " bytes"));
      }
      if (item.body().size() > kMaxNarrativeBodyBytes) {
        return absl::InvalidArgumentError(
            absl::StrCat("draft.", name, "[", i, "].body: longer than ",
                         kMaxNarrativeBodyBytes, " bytes"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace zwfw::bulletin
