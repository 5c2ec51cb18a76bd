// Network namespaces as bind-mounted files (like `ip netns add`), and sysctl
// writes inside one. The namespace work runs on a short-lived thread so the
// Node main thread never leaves the host namespace.
#include "netlink-core.h"
#include "registry.h"
#include <fcntl.h>
#include <linux/if.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <thread>

namespace berth {
namespace {

// Brings up "lo" in the namespace of the calling thread.
int LoopbackUp() {
  NlSocket s;
  int r = s.Open("");
  if (r < 0) return r;
  NlRequest req(RTM_NEWLINK, 0);
  ifinfomsg *ifi = req.Family<ifinfomsg>();
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = 1;  // lo is always index 1 in a fresh namespace
  ifi->ifi_flags = IFF_UP;
  ifi->ifi_change = IFF_UP;
  return s.Ack(req);
}

// A new network namespace pinned at path (created; must not exist), lo up.
// Returns 0 or an errno with *what set. The namespace work runs on a fresh
// thread (unshare changes the calling thread's namespace for good).
int CreatePinned(const std::string &path, std::string *what) {
  int fd = open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
  if (fd < 0) {
    *what = "create netns file " + path;
    return errno;
  }
  close(fd);
  int err = 0;
  std::thread t([&] {
    if (unshare(CLONE_NEWNET) < 0) { err = errno; *what = "unshare(CLONE_NEWNET)"; return; }
    if (mount("/proc/thread-self/ns/net", path.c_str(), nullptr, MS_BIND, nullptr) < 0) {
      err = errno; *what = "bind-mount netns on " + path; return;
    }
    int r = LoopbackUp();
    if (r < 0) { err = -r; *what = "bring up lo in " + path; umount2(path.c_str(), MNT_DETACH); }
  });
  t.join();
  if (err) unlink(path.c_str());
  return err;
}

// netnsCreate(path): a new network namespace pinned at path (created; must not exist).
Napi::Value Create(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string path = OptString(info[0]);
  if (path.empty() || path[0] != '/') throw Napi::Error::New(env, "netns path must be absolute");
  std::string what;
  int err = CreatePinned(path, &what);
  if (err) ThrowErrno(env, what, err);
  return env.Undefined();
}

// netnsCreateAsync(path) → Promise<void>: the same off the JS thread (a
// namespace and its lo take a few ms each; the containers of one `up` overlap them).
class CreateWorker : public Napi::AsyncWorker {
 public:
  CreateWorker(Napi::Env env, std::string path)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), path_(std::move(path)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override { err_ = CreatePinned(path_, &what_); }
  void OnOK() override {
    if (!err_) return deferred_.Resolve(Env().Undefined());
    try {
      ThrowErrno(Env(), what_, err_);
    } catch (const Napi::Error &e) {
      deferred_.Reject(e.Value());
    }
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::string path_, what_;
  int err_ = 0;
};

Napi::Value CreateAsync(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string path = OptString(info[0]);
  if (path.empty() || path[0] != '/') throw Napi::Error::New(env, "netns path must be absolute");
  auto *w = new CreateWorker(env, std::move(path));
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// netnsDelete(path): unmounts and removes; a missing file is not an error.
Napi::Value Delete(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string path = OptString(info[0]);
  if (umount2(path.c_str(), MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
    ThrowErrno(env, "unmount netns " + path, errno);
  if (unlink(path.c_str()) < 0 && errno != ENOENT) ThrowErrno(env, "remove netns file " + path, errno);
  return env.Undefined();
}

bool SafeKey(const std::string &k) {
  if (k.empty() || k[0] == '/' || k.find("..") != std::string::npos) return false;
  for (char c : k)
    if (!isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '.' && c != '_' && c != '-') return false;
  return true;
}

int WriteFile(const std::string &file, const std::string &value) {
  int fd = open(file.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  ssize_t n = write(fd, value.data(), value.size());
  int e = n < 0 ? errno : 0;
  close(fd);
  return e;
}

// sysctlWrite(ns|null, "net/ipv4/conf/br0/route_localnet", "1")
Napi::Value SysctlWrite(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string ns = NsArg(info, 0), key = OptString(info[1]), value = OptString(info[2]);
  if (!SafeKey(key)) throw Napi::Error::New(env, "invalid sysctl key '" + key + "'");
  std::string file = "/proc/sys/" + key;
  int err = 0;
  if (ns.empty()) {
    err = WriteFile(file, value);
  } else {
    int nsfd = open(ns.c_str(), O_RDONLY | O_CLOEXEC);
    if (nsfd < 0) ThrowErrno(env, "open netns " + ns, errno);
    std::thread t([&] {
      if (setns(nsfd, CLONE_NEWNET) < 0) { err = errno; return; }
      err = WriteFile(file, value);
    });
    t.join();
    close(nsfd);
  }
  if (err) ThrowErrno(env, "write sysctl " + key, err);
  return env.Undefined();
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("netnsCreate", Napi::Function::New(env, Create));
  exports.Set("netnsCreateAsync", Napi::Function::New(env, CreateAsync));
  exports.Set("netnsDelete", Napi::Function::New(env, Delete));
  exports.Set("sysctlWrite", Napi::Function::New(env, SysctlWrite));
}
BERTH_REGISTER(Register);

}  // namespace
}  // namespace berth
