// What a draft may hold: the office writes it (zwfw bulletin draft set, the
// UpdateDraft RPC), and every published version copies it, so its size is
// bounded field by field.
#ifndef ZWFW_SERVICES_BULLETIN_DRAFT_RULES_H_
#define ZWFW_SERVICES_BULLETIN_DRAFT_RULES_H_

#include <cstddef>

#include "absl/status/status.h"
#include "zwfw/v1/bulletin.pb.h"

namespace zwfw::bulletin {

inline constexpr size_t kMaxDraftFieldBytes = 2000;
inline constexpr size_t kMaxNarrativeBodyBytes = 20000;
inline constexpr int kMaxNarrativeItems = 50;

// INVALID_ARGUMENT naming the limit a field or narrative item is over.
absl::Status CheckDraft(const zwfw::v1::Draft& draft);

}  // namespace zwfw::bulletin

#endif  // ZWFW_SERVICES_BULLETIN_DRAFT_RULES_H_
