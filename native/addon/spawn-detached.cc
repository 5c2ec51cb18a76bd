// Starting a detached helper (berth-shim, berth-dns) without forking Node: Node's
// child_process.spawn forks the whole ~100 MB process (page tables and all),
// ~5 ms of the main thread per shim here. posix_spawn uses
// clone(CLONE_VM|CLONE_VFORK), and it runs on a worker thread, so the JS
// thread only queues the request.
//
// spawnDetached(path, argv[]) → Promise<{pid, fd, status}>:
//   the child runs in a new session (setsid) with default signal handling,
//   an empty signal mask, stdin/stdout/stderr on /dev/null, the write end of
//   a pipe as fd 3, and no other descriptor. `fd` is the pipe's read end (the
//   caller reads the child's report from it and closes it). The worker waits
//   for that first process to exit (the shim forks its daemon and exits at
//   once) and reports its wait status, so no zombie is left behind.
#include "promise-worker.h"
#include "spawn-common.h"
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <string>
#include <thread>
#include <vector>

namespace berth {
namespace {

class SpawnWorker : public PromiseWorker {
 public:
  SpawnWorker(Napi::Env env, std::string path, std::vector<std::string> argv)
      : PromiseWorker(env), path_(std::move(path)), argv_(std::move(argv)) {}

  void Execute() override {
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) return Fail("pipe", errno);
    // dup2 onto the same number would keep close-on-exec: keep the write end off 3.
    if (p[1] == 3) {
      int moved = fcntl(p[1], F_DUPFD_CLOEXEC, 4);
      close(p[1]);
      if (moved < 0) { close(p[0]); return Fail("dup", errno); }
      p[1] = moved;
    }
    pid_t pid = -1;
    int r = Spawn(path_, argv_, false, POSIX_SPAWN_SETSID, &pid, [&](posix_spawn_file_actions_t *fa) {
      posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);
      posix_spawn_file_actions_addopen(fa, 1, "/dev/null", O_WRONLY, 0);
      posix_spawn_file_actions_addopen(fa, 2, "/dev/null", O_WRONLY, 0);
      posix_spawn_file_actions_adddup2(fa, p[1], 3);
      // Descriptors Node inherited without close-on-exec (from whoever ran it) stop here too.
      posix_spawn_file_actions_addclosefrom_np(fa, 4);
    });
    close(p[1]);
    if (r != 0) {
      close(p[0]);
      return Fail("spawn " + path_, r);
    }
    pid_ = pid;
    fd_ = p[0];
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }

  Napi::Value Result(Napi::Env env) override {
    Napi::Object o = Napi::Object::New(env);
    o.Set("pid", Napi::Number::New(env, pid_));
    o.Set("fd", Napi::Number::New(env, fd_));
    o.Set("status", Napi::Number::New(env, status_));
    return o;
  }

 private:
  std::string path_;
  std::vector<std::string> argv_;
  pid_t pid_ = -1;
  int fd_ = -1;
  int status_ = 0;
};

Napi::Value SpawnDetached(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsArray())
    throw Napi::TypeError::New(env, "spawnDetached(path, argv[])");
  std::string path = info[0].As<Napi::String>().Utf8Value();
  auto *w = new SpawnWorker(env, std::move(path), ArgvOf(env, info[1], "spawnDetached"));
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// spawnDaemon(path, argv[], log) → pid: a long-running helper (berth-dns)
// that does not fork itself. The same clean start as spawnDetached (new
// session, default signals, nothing inherited past fd 2), stdin on /dev/null,
// stdout and stderr appended to `log`. Called on the JS thread, as the spawn
// is a vfork (the parent waits only for the exec). The helper outlives this
// process; should it exit first (the last network gone, in a long `up`), a
// detached thread waiting for it reaps it, so no zombie is left behind.
Napi::Value SpawnDaemon(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsArray() || !info[2].IsString())
    throw Napi::TypeError::New(env, "spawnDaemon(path, argv[], log)");
  std::string path = info[0].As<Napi::String>().Utf8Value();
  std::vector<std::string> argv = ArgvOf(env, info[1], "spawnDaemon");
  std::string log = info[2].As<Napi::String>().Utf8Value();
  pid_t pid = -1;
  int r = Spawn(path, argv, false, POSIX_SPAWN_SETSID, &pid, [&](posix_spawn_file_actions_t *fa) {
    posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(fa, 1, log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0644);
    posix_spawn_file_actions_adddup2(fa, 1, 2);
    posix_spawn_file_actions_addclosefrom_np(fa, 3);
  });
  if (r != 0) ThrowErrno(env, "spawn " + path, r);
  std::thread([pid] {
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  }).detach();
  return Napi::Number::New(env, pid);
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("spawnDetached", Napi::Function::New(env, SpawnDetached));
  exports.Set("spawnDaemon", Napi::Function::New(env, SpawnDaemon));
}

BERTH_REGISTER(Register);

}  // namespace
}  // namespace berth
