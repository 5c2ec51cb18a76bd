// mount(2), umount2(2) and overlay mounts for the container layer.
//
// Every call runs off the JS thread (Napi::AsyncWorker → Promise): mount can
// block on I/O (overlay looks up every lower dir; umount flushes the upper
// fs), and a container create mounts several of them.
//
// Overlay's mount data is limited to one page, so mountOverlay passes lower
// dirs relative to `base`. That needs a working directory, and the Node
// process's cwd must never change (libuv's pool threads resolve relative
// paths against it). So the mount runs on a fresh std::thread that first does
// unshare(CLONE_FS) — giving it a private cwd — and then chdir(base). The
// thread exits afterwards, so its private fs state dies with it. No fork.
#include "promise-worker.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

namespace berth {
namespace {

constexpr size_t kPageData = 4095;  // mount data is copied into one page, NUL included

// A failed syscall: which step, on which path, and errno.
struct SysError {
  std::string what;
  int err = 0;
};

class MountWorker : public PromiseWorker {
 public:
  MountWorker(Napi::Env env, std::string source, std::string target, std::string fstype, unsigned long flags,
              std::string data, bool hasData)
      : PromiseWorker(env), source_(std::move(source)), target_(std::move(target)), fstype_(std::move(fstype)),
        flags_(flags), data_(std::move(data)), hasData_(hasData) {}

  void Execute() override {
    const char *src = source_.empty() ? nullptr : source_.c_str();
    const char *fs = fstype_.empty() ? nullptr : fstype_.c_str();
    if (::mount(src, target_.c_str(), fs, flags_, hasData_ ? data_.c_str() : nullptr) != 0)
      Fail("mount " + target_, errno);
  }

 private:
  std::string source_, target_, fstype_;
  unsigned long flags_;
  std::string data_;
  bool hasData_;
};

class UmountWorker : public PromiseWorker {
 public:
  UmountWorker(Napi::Env env, std::string target, int flags)
      : PromiseWorker(env), target_(std::move(target)), flags_(flags) {}
  void Execute() override {
    if (::umount2(target_.c_str(), flags_) != 0) Fail("umount " + target_, errno);
  }

 private:
  std::string target_;
  int flags_;
};

class OverlayWorker : public PromiseWorker {
 public:
  OverlayWorker(Napi::Env env, std::string base, std::string data, std::string target, unsigned long flags)
      : PromiseWorker(env), base_(std::move(base)), data_(std::move(data)), target_(std::move(target)),
        flags_(flags) {}

  void Execute() override {
    SysError result;
    // A dedicated thread: unshare(CLONE_FS) detaches its cwd from the
    // process, so chdir below is invisible to every other thread.
    std::thread t([&] {
      if (::unshare(CLONE_FS) != 0) {
        result = {"unshare(CLONE_FS)", errno};
        return;
      }
      if (::chdir(base_.c_str()) != 0) {
        result = {"chdir " + base_, errno};
        return;
      }
      if (::mount("overlay", target_.c_str(), "overlay", flags_, data_.c_str()) != 0)
        result = {"mount overlay on " + target_, errno};
    });
    t.join();
    if (result.err) Fail(result.what, result.err);
  }

 private:
  std::string base_, data_, target_;
  unsigned long flags_;
};

std::string OptString(const Napi::Value &v) { return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string(); }

// mount(source, target, fstype, flags, data?) → Promise<void>
Napi::Value Mount(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[1].IsString() || !info[3].IsNumber())
    throw Napi::TypeError::New(env, "mount(source, target, fstype, flags, data?)");
  bool hasData = info.Length() > 4 && info[4].IsString();
  std::string data = hasData ? info[4].As<Napi::String>().Utf8Value() : std::string();
  if (data.size() > kPageData) throw Napi::RangeError::New(env, "mount data longer than one page (4095 bytes)");
  auto *w = new MountWorker(env, OptString(info[0]), info[1].As<Napi::String>().Utf8Value(), OptString(info[2]),
                            static_cast<unsigned long>(info[3].As<Napi::Number>().Int64Value()), data, hasData);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// umount2(target, flags) → Promise<void>
Napi::Value Umount2(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsNumber())
    throw Napi::TypeError::New(env, "umount2(target, flags)");
  auto *w = new UmountWorker(env, info[0].As<Napi::String>().Utf8Value(), info[1].As<Napi::Number>().Int32Value());
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

bool UnsafeOption(const std::string &s) { return s.find_first_of(",:\n") != std::string::npos || s.empty(); }

// mountOverlay(base, lower[], upper, work, target, flags) → Promise<void>.
// `lower` are paths relative to `base` (top-most first); upper/work/target
// are absolute. Rejects with code E2BIG when even relative paths do not fit.
Napi::Value MountOverlay(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 6 || !info[0].IsString() || !info[1].IsArray() || !info[2].IsString() || !info[3].IsString() ||
      !info[4].IsString() || !info[5].IsNumber())
    throw Napi::TypeError::New(env, "mountOverlay(base, lower[], upper, work, target, flags)");
  std::string base = info[0].As<Napi::String>().Utf8Value();
  Napi::Array lower = info[1].As<Napi::Array>();
  if (lower.Length() == 0) throw Napi::TypeError::New(env, "mountOverlay: at least one lower layer is needed");
  std::string upper = info[2].As<Napi::String>().Utf8Value();
  std::string work = info[3].As<Napi::String>().Utf8Value();
  std::string lowerList;
  for (uint32_t i = 0; i < lower.Length(); i++) {
    Napi::Value v = lower.Get(i);
    if (!v.IsString()) throw Napi::TypeError::New(env, "mountOverlay: lower entries must be strings");
    std::string l = v.As<Napi::String>().Utf8Value();
    if (UnsafeOption(l)) throw Napi::TypeError::New(env, "mountOverlay: bad lower layer path: '" + l + "'");
    if (i) lowerList += ':';
    lowerList += l;
  }
  if (UnsafeOption(upper) || UnsafeOption(work))
    throw Napi::TypeError::New(env, "mountOverlay: upper/work paths must not contain ',' or ':'");
  std::string data = "lowerdir=" + lowerList + ",upperdir=" + upper + ",workdir=" + work;
  if (data.size() > kPageData) {
    Napi::Error e = Napi::Error::New(
        env, "overlay mount options are " + std::to_string(data.size()) + " bytes with " +
                 std::to_string(lower.Length()) + " layers; the kernel accepts at most 4095: use shorter layer links");
    e.Set("code", Napi::String::New(env, "E2BIG"));
    throw e;
  }
  auto *w = new OverlayWorker(env, base, data, info[4].As<Napi::String>().Utf8Value(),
                              static_cast<unsigned long>(info[5].As<Napi::Number>().Int64Value()));
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("mount", Napi::Function::New(env, Mount, "mount"));
  exports.Set("umount2", Napi::Function::New(env, Umount2, "umount2"));
  exports.Set("mountOverlay", Napi::Function::New(env, MountOverlay, "mountOverlay"));
}

}  // namespace

BERTH_REGISTER(Register);
}  // namespace berth
