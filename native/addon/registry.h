// Each addon source file registers its exports with BERTH_REGISTER so that
// areas (mounts, netlink, spawn, ...) live in separate files with no shared list.
#pragma once
#include <napi.h>

namespace berth {
using Registrar = void (*)(Napi::Env env, Napi::Object exports);
int AddRegistrar(Registrar r);

// Throws a JS Error whose message is "<what>: <strerror(errnum)>" and whose
// `code` is the errno name (e.g. "ENOENT"), so callers can branch on it.
[[noreturn]] void ThrowErrno(Napi::Env env, const std::string &what, int errnum);
}  // namespace berth

#define BERTH_CONCAT_(a, b) a##b
#define BERTH_CONCAT(a, b) BERTH_CONCAT_(a, b)
#define BERTH_REGISTER(fn) static int BERTH_CONCAT(berth_registered_, __LINE__) = ::berth::AddRegistrar(fn)
