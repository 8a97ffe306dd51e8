#include "services/common/proto_time.h"

namespace zwfw {

absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp out;
  int64_t seconds = absl::ToUnixSeconds(t);
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return out;
}

bool ValidTimestamp(const google::protobuf::Timestamp& t) {
  return t.seconds() >= 946684800 && t.seconds() < 4102444800 &&
         t.nanos() >= 0 && t.nanos() < 1000000000;
}

}  // namespace zwfw
