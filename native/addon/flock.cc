// flock(2) for the file locks (src/state/lock.ts, src/state/file-lock.ts).
// Always non-blocking (LOCK_NB is added): a blocking call would stall the JS
// thread, so the caller polls with back-off.
// Returns true when the lock was taken (or released), false when another
// open file description holds it (EWOULDBLOCK); other errors throw.
#include "registry.h"

#include <cerrno>
#include <sys/file.h>

namespace berth {
namespace {

Napi::Value Flock(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsNumber()) {
    throw Napi::TypeError::New(env, "flock(fd: number, op: number)");
  }
  int fd = info[0].As<Napi::Number>().Int32Value();
  int op = info[1].As<Napi::Number>().Int32Value();
  if ((op & ~(LOCK_SH | LOCK_EX | LOCK_UN | LOCK_NB)) != 0) throw Napi::TypeError::New(env, "flock: unknown operation bits");
  int rc;
  do {
    rc = ::flock(fd, op | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc == 0) return Napi::Boolean::New(env, true);
  if (errno == EWOULDBLOCK) return Napi::Boolean::New(env, false);
  ThrowErrno(env, "flock", errno);
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("flock", Napi::Function::New(env, Flock, "flock"));
  Napi::Object ops = Napi::Object::New(env);
  ops.Set("LOCK_SH", LOCK_SH);
  ops.Set("LOCK_EX", LOCK_EX);
  ops.Set("LOCK_UN", LOCK_UN);
  exports.Set("flockOps", ops);
}

BERTH_REGISTER(Register);

}  // namespace
}  // namespace berth
