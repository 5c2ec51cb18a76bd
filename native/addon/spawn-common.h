// What the addon's posix_spawn helpers (spawn-detached.cc, spawn-captured.cc)
// share: reading argv from JS, a child that starts with clean signals, and
// the spawn itself around their own file actions.
#pragma once
#include <signal.h>
#include <spawn.h>
#include <string>
#include <vector>
#include "registry.h"

extern char **environ;

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

/**
 * posix_spawn (posix_spawnp when `search`) of `file` with `argv`: the file
 * actions `actions` adds, and clean signals plus `flags`. Returns
 * posix_spawn's error number, 0 when the child started (its pid in `*pid`).
 */
template <typename Actions>
inline int Spawn(const std::string &file, std::vector<std::string> &argv, bool search, short flags, pid_t *pid, Actions actions) {
  std::vector<char *> args;
  for (auto &a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&attr);
  actions(&fa);
  CleanSignals(&attr, flags);
  int r = search ? posix_spawnp(pid, file.c_str(), &fa, &attr, args.data(), environ)
                 : posix_spawn(pid, file.c_str(), &fa, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  return r;
}

}  // namespace berth
