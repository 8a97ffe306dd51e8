#include "tests/testing/faulty_vfs.h"

#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"

namespace zwfw::testing {
namespace {

// Ours, then the wrapped VFS's own file right after it.
struct FaultyFile {
  sqlite3_file base;
  sqlite3_file* real;
};

sqlite3_vfs* Real(sqlite3_vfs* vfs) {
  return static_cast<sqlite3_vfs*>(vfs->pAppData);
}
sqlite3_file* Real(sqlite3_file* file) {
  return reinterpret_cast<FaultyFile*>(file)->real;
}

// The code a failed operation returns: what the unix VFS returns for the
// same failure of the system call.
int ErrorCode(FaultyVfs::Operation operation, FaultyVfs::Failure failure,
              bool shared_memory = false) {
  switch (operation) {
    case FaultyVfs::kOpen:
      return SQLITE_CANTOPEN;
    case FaultyVfs::kWrite:
      return failure == FaultyVfs::kDiskFull ? SQLITE_FULL : SQLITE_IOERR_WRITE;
    case FaultyVfs::kSync:
      return SQLITE_IOERR_FSYNC;
    case FaultyVfs::kLock:
      if (failure == FaultyVfs::kBusy) return SQLITE_BUSY;
      return shared_memory ? SQLITE_IOERR_SHMLOCK : SQLITE_IOERR_LOCK;
    case FaultyVfs::kOperations:
      break;
  }
  return SQLITE_IOERR;
}

bool Fails(FaultyVfs::Operation operation, FaultyVfs::Failure* failure) {
  return FaultyVfs::Install().Fails(operation, failure);
}

int Close(sqlite3_file* file) {
  sqlite3_file* real = Real(file);
  return real->pMethods->xClose(real);
}
int Read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
  sqlite3_file* real = Real(file);
  return real->pMethods->xRead(real, buffer, amount, offset);
}
int Write(sqlite3_file* file, const void* buffer, int amount,
          sqlite3_int64 offset) {
  FaultyVfs::Failure failure;
  if (Fails(FaultyVfs::kWrite, &failure)) {
    return ErrorCode(FaultyVfs::kWrite, failure);
  }
  sqlite3_file* real = Real(file);
  return real->pMethods->xWrite(real, buffer, amount, offset);
}
int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  FaultyVfs::Failure failure;
  if (Fails(FaultyVfs::kWrite, &failure)) {
    return failure == FaultyVfs::kDiskFull ? SQLITE_FULL
                                           : SQLITE_IOERR_TRUNCATE;
  }
  sqlite3_file* real = Real(file);
  return real->pMethods->xTruncate(real, size);
}
int Sync(sqlite3_file* file, int flags) {
  FaultyVfs::Failure failure;
  if (Fails(FaultyVfs::kSync, &failure)) {
    return ErrorCode(FaultyVfs::kSync, failure);
  }
  sqlite3_file* real = Real(file);
  return real->pMethods->xSync(real, flags);
}
int FileSize(sqlite3_file* file, sqlite3_int64* size) {
  sqlite3_file* real = Real(file);
  return real->pMethods->xFileSize(real, size);
}
int Lock(sqlite3_file* file, int level) {
  FaultyVfs::Failure failure;
  if (Fails(FaultyVfs::kLock, &failure)) {
    return ErrorCode(FaultyVfs::kLock, failure);
  }
  sqlite3_file* real = Real(file);
  return real->pMethods->xLock(real, level);
}
int Unlock(sqlite3_file* file, int level) {
  sqlite3_file* real = Real(file);
  return real->pMethods->xUnlock(real, level);
}
int CheckReservedLock(sqlite3_file* file, int* reserved) {
  sqlite3_file* real = Real(file);
  return real->pMethods->xCheckReservedLock(real, reserved);
}
int FileControl(sqlite3_file* file, int op, void* arg) {
  sqlite3_file* real = Real(file);
  return real->pMethods->xFileControl(real, op, arg);
}
int SectorSize(sqlite3_file* file) {
  sqlite3_file* real = Real(file);
  return real->pMethods->xSectorSize(real);
}
int DeviceCharacteristics(sqlite3_file* file) {
  sqlite3_file* real = Real(file);
  return real->pMethods->xDeviceCharacteristics(real);
}
int ShmMap(sqlite3_file* file, int region, int size, int extend,
           void volatile** memory) {
  sqlite3_file* real = Real(file);
  return real->pMethods->xShmMap(real, region, size, extend, memory);
}
int ShmLock(sqlite3_file* file, int offset, int n, int flags) {
  // Taking a lock may fail; giving one up never does.
  FaultyVfs::Failure failure;
  if ((flags & SQLITE_SHM_LOCK) && Fails(FaultyVfs::kLock, &failure)) {
    return ErrorCode(FaultyVfs::kLock, failure, /*shared_memory=*/true);
  }
  sqlite3_file* real = Real(file);
  return real->pMethods->xShmLock(real, offset, n, flags);
}
void ShmBarrier(sqlite3_file* file) {
  sqlite3_file* real = Real(file);
  real->pMethods->xShmBarrier(real);
}
int ShmUnmap(sqlite3_file* file, int delete_flag) {
  sqlite3_file* real = Real(file);
  return real->pMethods->xShmUnmap(real, delete_flag);
}
int Fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** p) {
  sqlite3_file* real = Real(file);
  return real->pMethods->xFetch(real, offset, amount, p);
}
int Unfetch(sqlite3_file* file, sqlite3_int64 offset, void* p) {
  sqlite3_file* real = Real(file);
  return real->pMethods->xUnfetch(real, offset, p);
}

const sqlite3_io_methods kMethods = {
    3,
    Close,
    Read,
    Write,
    Truncate,
    Sync,
    FileSize,
    Lock,
    Unlock,
    CheckReservedLock,
    FileControl,
    SectorSize,
    DeviceCharacteristics,
    ShmMap,
    ShmLock,
    ShmBarrier,
    ShmUnmap,
    Fetch,
    Unfetch,
};

int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags,
         int* out_flags) {
  file->pMethods = nullptr;
  FaultyVfs::Failure failure;
  if (Fails(FaultyVfs::kOpen, &failure)) {
    return ErrorCode(FaultyVfs::kOpen, failure);
  }
  FaultyFile* ours = reinterpret_cast<FaultyFile*>(file);
  ours->real = reinterpret_cast<sqlite3_file*>(ours + 1);
  std::memset(ours->real, 0, Real(vfs)->szOsFile);
  const int rc =
      Real(vfs)->xOpen(Real(vfs), name, ours->real, flags, out_flags);
  // SQLite calls xClose whenever pMethods is set, even after an error.
  if (ours->real->pMethods != nullptr) file->pMethods = &kMethods;
  return rc;
}
int Delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  return Real(vfs)->xDelete(Real(vfs), name, sync_dir);
}
int Access(sqlite3_vfs* vfs, const char* name, int flags, int* result) {
  return Real(vfs)->xAccess(Real(vfs), name, flags, result);
}
int FullPathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
  return Real(vfs)->xFullPathname(Real(vfs), name, size, out);
}
void* DlOpen(sqlite3_vfs* vfs, const char* name) {
  return Real(vfs)->xDlOpen(Real(vfs), name);
}
void DlError(sqlite3_vfs* vfs, int size, char* out) {
  Real(vfs)->xDlError(Real(vfs), size, out);
}
void (*DlSym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
  return Real(vfs)->xDlSym(Real(vfs), handle, symbol);
}
void DlClose(sqlite3_vfs* vfs, void* handle) {
  Real(vfs)->xDlClose(Real(vfs), handle);
}
int Randomness(sqlite3_vfs* vfs, int size, char* out) {
  return Real(vfs)->xRandomness(Real(vfs), size, out);
}
int Sleep(sqlite3_vfs* vfs, int microseconds) {
  return Real(vfs)->xSleep(Real(vfs), microseconds);
}
int CurrentTime(sqlite3_vfs* vfs, double* now) {
  return Real(vfs)->xCurrentTime(Real(vfs), now);
}
int GetLastError(sqlite3_vfs* vfs, int size, char* out) {
  return Real(vfs)->xGetLastError(Real(vfs), size, out);
}
int CurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* now) {
  return Real(vfs)->xCurrentTimeInt64(Real(vfs), now);
}

}  // namespace

FaultyVfs& FaultyVfs::Install() {
  static FaultyVfs* const installed = [] {
    sqlite3_initialize();
    sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
    if (real == nullptr || real->iVersion < 2) std::abort();
    static sqlite3_vfs vfs = {};
    vfs.iVersion = 2;
    vfs.szOsFile = static_cast<int>(sizeof(FaultyFile)) + real->szOsFile;
    vfs.mxPathname = real->mxPathname;
    vfs.zName = "zwfw-faulty";
    vfs.pAppData = real;
    vfs.xOpen = Open;
    vfs.xDelete = Delete;
    vfs.xAccess = Access;
    vfs.xFullPathname = FullPathname;
    vfs.xDlOpen = DlOpen;
    vfs.xDlError = DlError;
    vfs.xDlSym = DlSym;
    vfs.xDlClose = DlClose;
    vfs.xRandomness = Randomness;
    vfs.xSleep = Sleep;
    vfs.xCurrentTime = CurrentTime;
    vfs.xGetLastError = GetLastError;
    vfs.xCurrentTimeInt64 = CurrentTimeInt64;
    if (sqlite3_vfs_register(&vfs, /*makeDflt=*/1) != SQLITE_OK) std::abort();
    return new FaultyVfs();
  }();
  return *installed;
}

void FaultyVfs::Arm(Operation operation, int64_t n, Failure failure,
                    bool persist) {
  Disarm();
  failure_ = failure;
  persist_ = persist;
  injected_ = 0;
  armed_at_ = counts_[operation].load() + n;
  armed_operation_ = operation;
}

void FaultyVfs::Disarm() { armed_operation_ = -1; }

void FaultyVfs::ResetCounts() {
  Disarm();
  for (std::atomic<int64_t>& c : counts_) c = 0;
}

bool FaultyVfs::Fails(Operation operation, Failure* failure) {
  const int64_t n = ++counts_[operation];
  if (armed_operation_.load() != operation) return false;
  const int64_t at = armed_at_.load();
  if (n < at || (n > at && !persist_.load())) return false;
  *failure = static_cast<Failure>(failure_.load());
  ++injected_;
  return true;
}

const char* FaultyVfs::Name(Operation operation) {
  switch (operation) {
    case kOpen:
      return "open";
    case kWrite:
      return "write";
    case kSync:
      return "sync";
    case kLock:
      return "lock";
    case kOperations:
      break;
  }
  return "?";
}

const char* FaultyVfs::Name(Failure failure) {
  switch (failure) {
    case kIoError:
      return "I/O error";
    case kDiskFull:
      return "disk full";
    case kBusy:
      return "busy";
  }
  return "?";
}

int FaultWalk::Run(const std::function<void(FaultWalk&)>& trial, Kinds kinds) {
  FaultyVfs::Install();  // before the trial opens its databases
  FaultWalk walk;
  trial(walk);
  const std::array<int64_t, FaultyVfs::kOperations> counted = walk.counted_;
  std::printf(
      "fault walk: the scenario makes %lld opens, %lld writes, %lld "
      "syncs, %lld locks\n",
      static_cast<long long>(counted[FaultyVfs::kOpen]),
      static_cast<long long>(counted[FaultyVfs::kWrite]),
      static_cast<long long>(counted[FaultyVfs::kSync]),
      static_cast<long long>(counted[FaultyVfs::kLock]));
  int trials = 1;
  for (int op = 0; op < FaultyVfs::kOperations; ++op) {
    const auto operation = static_cast<FaultyVfs::Operation>(op);
    std::vector<FaultyVfs::Failure> failures = {FaultyVfs::kIoError};
    if (operation == FaultyVfs::kWrite) {
      failures.push_back(FaultyVfs::kDiskFull);
    }
    if (operation == FaultyVfs::kLock) failures.push_back(FaultyVfs::kBusy);
    for (FaultyVfs::Failure failure : failures) {
      for (bool persist : {false, true}) {
        if (persist && failure == FaultyVfs::kBusy) continue;
        if (!(persist ? kinds.persistent : kinds.transient)) continue;
        for (int64_t n = 1; n <= counted[op]; ++n) {
          FaultWalk point;
          point.counting_ = false;
          point.operation_ = operation;
          point.n_ = n;
          point.failure_ = failure;
          point.persist_ = persist;
          trial(point);
          ++trials;
        }
      }
    }
  }
  return trials;
}

void FaultWalk::Begin() {
  FaultyVfs& vfs = FaultyVfs::Install();
  if (counting_) {
    vfs.ResetCounts();
  } else {
    vfs.Arm(operation_, n_, failure_, persist_);
  }
}

void FaultWalk::End() {
  FaultyVfs& vfs = FaultyVfs::Install();
  if (counting_) {
    for (int op = 0; op < FaultyVfs::kOperations; ++op) {
      counted_[op] = vfs.count(static_cast<FaultyVfs::Operation>(op));
    }
  } else {
    injected_ = vfs.injected() > 0;
  }
  vfs.Disarm();
}

std::string FaultWalk::Describe() const {
  if (counting_) return "no fault";
  return absl::StrCat(FaultyVfs::Name(operation_), " #", n_, ": ",
                      FaultyVfs::Name(failure_),
                      persist_ ? ", persistent" : ", transient");
}

}  // namespace zwfw::testing
