// What the addon's posix_spawn helpers (spawn-detached.cc, spawn-captured.cc)
// share: reading argv from JS, and a child that starts with clean signals.
#pragma once
#include <signal.h>
#include <spawn.h>
#include <string>
#include <vector>
#include "registry.h"

namespace berth {

/** argv[] from a JS array of strings (no NUL inside); a TypeError naming `fn` otherwise. */
inline std::vector<std::string> ArgvOf(Napi::Env env, Napi::Value v, const char *fn) {
  Napi::Array a = v.As<Napi::Array>();
  std::vector<std::string> argv;
  for (uint32_t i = 0; i < a.Length(); i++) {
    Napi::Value item = a.Get(i);
    if (!item.IsString()) throw Napi::TypeError::New(env, std::string(fn) + ": argv must be strings");
    std::string s = item.As<Napi::String>().Utf8Value();
    if (s.find('\0') != std::string::npos) throw Napi::TypeError::New(env, std::string(fn) + ": argv must not contain NUL");
    argv.push_back(std::move(s));
  }
  return argv;
}

/**
 * Worker threads block every signal, and Node ignores SIGPIPE: the child
 * starts with an empty mask and every signal at its default (plus `flags`).
 */
inline void CleanSignals(posix_spawnattr_t *attr, short flags) {
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(attr, &none);
  posix_spawnattr_setsigdefault(attr, &all);
  posix_spawnattr_setflags(attr, static_cast<short>(flags | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF));
}

}  // namespace berth
