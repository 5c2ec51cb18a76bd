// Running a short helper (nft, an OCI runtime's `delete`) and collecting its
// output without forking Node: child_process forks the whole process (page
// tables of ~100 MB and more), which blocks the JS thread ~10 ms per call on
// a small VM, on the critical path of `up` and `down`. posix_spawnp uses
// clone(CLONE_VM|CLONE_VFORK) and runs on a worker thread here, as
// spawnDetached does; the worker also reads the output and reaps the child.
//
// spawnCaptured(file, argv[], passthrough = false, input?) → Promise<{status, signal, stdout: Buffer, stderr: Buffer}>:
//   `file` is looked up in PATH when it has no slash; stdin is /dev/null, or
//   a pipe that `input` (a Buffer) is written into and then closed (no
//   temporary file for a killed caller to leave behind);
//   the child starts with default signal handling and an empty mask and
//   inherits no descriptor but 0-2. `status` is the exit code (-1 when
//   killed), `signal` the signal that killed it (0 when it exited). Output past 64 MiB per stream is dropped. A
//   failure to start rejects with the errno (code ENOENT when not found).
//   With `passthrough` (how `exec` runs the runtime), stdin and stdout are
//   ours, stderr is copied to ours as it comes, and `stderr` holds its last
//   4 KiB (the runtime's last line tells a command it could not start).
#include "promise-worker.h"
#include "spawn-common.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <string>
#include <vector>

namespace berth {
namespace {

constexpr size_t kMaxOutput = 64u << 20;

class CaptureWorker : public PromiseWorker {
 public:
  CaptureWorker(Napi::Env env, std::string file, std::vector<std::string> argv, bool passthrough, bool hasInput, std::string input)
      : PromiseWorker(env), file_(std::move(file)), argv_(std::move(argv)), passthrough_(passthrough), hasInput_(hasInput),
        input_(std::move(input)) {}

  void Execute() override {
    int out[2] = {-1, -1}, err[2] = {-1, -1}, in[2] = {-1, -1};
    if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 || (hasInput_ && pipe2(in, O_CLOEXEC) < 0)) {
      int e = errno;
      for (int fd : {out[0], out[1], err[0], err[1], in[0], in[1]}) if (fd >= 0) close(fd);
      return Fail("pipe", e);
    }
    // Our end never blocks the worker: it is written between reads of the output.
    if (hasInput_) fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
    pid_t pid = -1;
    int r = Spawn(file_, argv_, true, 0, &pid, [&](posix_spawn_file_actions_t *fa) {
      if (!passthrough_) {
        if (hasInput_) posix_spawn_file_actions_adddup2(fa, in[0], 0);
        else posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(fa, out[1], 1);
      } else {
        // Ours, as they are: Node marks its stdio close-on-exec, and a dup2 onto
        // the same number clears that flag (glibc >= 2.29, as POSIX asks).
        posix_spawn_file_actions_adddup2(fa, 0, 0);
        posix_spawn_file_actions_adddup2(fa, 1, 1);
      }
      posix_spawn_file_actions_adddup2(fa, err[1], 2);
      posix_spawn_file_actions_addclosefrom_np(fa, 3);
    });
    close(out[1]);
    close(err[1]);
    if (in[0] >= 0) close(in[0]);
    if (r != 0) {
      close(out[0]);
      close(err[0]);
      if (in[1] >= 0) close(in[1]);
      return Fail("spawn " + file_, r);
    }
    Drain(out[0], err[0], in[1]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    signal_ = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
  }

  Napi::Value Result(Napi::Env env) override {
    Napi::Object o = Napi::Object::New(env);
    o.Set("status", Napi::Number::New(env, status_));
    o.Set("signal", Napi::Number::New(env, signal_));
    o.Set("stdout", Napi::Buffer<char>::Copy(env, stdout_.data(), stdout_.size()));
    o.Set("stderr", Napi::Buffer<char>::Copy(env, stderr_.data(), stderr_.size()));
    return o;
  }

 private:
  // Reads both pipes until both are closed (a child that fills one pipe while
  // we wait on the other would hang), writing the input as the child takes it.
  void Drain(int out, int err, int in) {
    struct pollfd fds[3] = {{out, POLLIN, 0}, {err, POLLIN, 0}, {in, POLLOUT, 0}};
    std::string *sinks[2] = {&stdout_, &stderr_};
    size_t written = 0;
    if (in >= 0 && input_.empty()) { close(in); fds[2].fd = -1; }
    int open = 2;
    char buf[65536];
    while (open > 0) {
      if (poll(fds, 3, -1) < 0) {
        if (errno == EINTR) continue;
        break;
      }
      if (fds[2].fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
        ssize_t w = write(fds[2].fd, input_.data() + written, input_.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        // Done, or the child stopped reading (EPIPE: Node ignores SIGPIPE): close so it sees the end.
        if (written == input_.size() || (w < 0 && errno != EAGAIN && errno != EINTR)) {
          close(fds[2].fd);
          fds[2].fd = -1;
        }
      }
      for (int i = 0; i < 2; i++) {
        if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t n = read(fds[i].fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          close(fds[i].fd);
          fds[i].fd = -1;
          open--;
          continue;
        }
        if (passthrough_ && i == 1) {
          PassOn(buf, static_cast<size_t>(n));
          continue;
        }
        if (sinks[i]->size() < kMaxOutput) sinks[i]->append(buf, std::min(static_cast<size_t>(n), kMaxOutput - sinks[i]->size()));
      }
    }
    for (auto &f : fds) if (f.fd >= 0) close(f.fd);
  }
  // Passthrough stderr: on to ours at once, the last 4 KiB kept.
  void PassOn(const char *buf, size_t n) {
    for (size_t off = 0; off < n;) {
      ssize_t w = write(2, buf + off, n - off);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) break;  // ours is gone: the tail is still kept
      off += static_cast<size_t>(w);
    }
    stderr_.append(buf, n);
    if (stderr_.size() > 4096) stderr_.erase(0, stderr_.size() - 4096);
  }
  std::string file_;
  std::vector<std::string> argv_;
  bool passthrough_;
  bool hasInput_;
  std::string input_;
  int status_ = 0;
  int signal_ = 0;
  std::string stdout_, stderr_;
};

Napi::Value SpawnCaptured(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsArray())
    throw Napi::TypeError::New(env, "spawnCaptured(file, argv[], passthrough?, input?)");
  std::string file = info[0].As<Napi::String>().Utf8Value();
  std::vector<std::string> argv = ArgvOf(env, info[1], "spawnCaptured");
  if (file.find('\0') != std::string::npos || argv.empty()) throw Napi::TypeError::New(env, "spawnCaptured: bad file or empty argv");
  bool passthrough = info.Length() > 2 && info[2].ToBoolean().Value();
  bool hasInput = info.Length() > 3 && info[3].IsBuffer();
  if (hasInput && passthrough) throw Napi::TypeError::New(env, "spawnCaptured: input with passthrough (stdin is ours then)");
  std::string input;
  if (hasInput) {
    auto b = info[3].As<Napi::Buffer<char>>();
    input.assign(b.Data(), b.Length());
  }
  auto *w = new CaptureWorker(env, std::move(file), std::move(argv), passthrough, hasInput, std::move(input));
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("spawnCaptured", Napi::Function::New(env, SpawnCaptured));
}

BERTH_REGISTER(Register);

}  // namespace
}  // namespace berth
