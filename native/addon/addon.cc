// Module entry: runs every registrar that the other files added.
#include "registry.h"
#include <cerrno>
#include <cstring>
#include <vector>

namespace berth {

static std::vector<Registrar> &Registrars() {
  static std::vector<Registrar> list;  // function-local: safe across static init order
  return list;
}

int AddRegistrar(Registrar r) {
  Registrars().push_back(r);
  return 0;
}

void ThrowErrno(Napi::Env env, const std::string &what, int errnum) {
  Napi::Error err = Napi::Error::New(env, what + ": " + strerror(errnum));
  const char *name = strerrorname_np(errnum);
  err.Set("code", Napi::String::New(env, name ? name : "EUNKNOWN"));
  err.Set("errno", Napi::Number::New(env, errnum));
  throw err;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("abiVersion", Napi::Number::New(env, 1));
  for (Registrar r : Registrars()) r(env, exports);
  return exports;
}

}  // namespace berth

static Napi::Object InitBerthAddon(Napi::Env env, Napi::Object exports) { return berth::Init(env, exports); }
NODE_API_MODULE(berth_addon, InitBerthAddon)
