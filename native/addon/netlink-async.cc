// Link deletion off the JS thread. Deleting a veth waits in the kernel for
// RCU grace periods and the device's last reference (~20 ms each here): run
// synchronously it stalls every other container of a `down` for that long.
// nlLinkDelAsync(ns, name) → Promise<boolean>: true when deleted, false when
// there was no such link; other errors reject with .code like the sync calls.
#include "netlink-core.h"
#include "registry.h"
#include <sys/socket.h>
#include <cerrno>
#include <cstring>

namespace berth {
namespace {

class LinkDelWorker : public Napi::AsyncWorker {
 public:
  LinkDelWorker(Napi::Env env, std::string ns, std::string name)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), ns_(std::move(ns)), name_(std::move(name)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    NlSocket s;
    err_ = s.Open(ns_);
    if (err_ < 0) {
      what_ = ns_.empty() ? "netlink socket" : "netlink socket in " + ns_;
      return;
    }
    NlRequest req(RTM_DELLINK, 0);
    req.Family<ifinfomsg>()->ifi_family = AF_UNSPEC;
    req.PutStr(IFLA_IFNAME, name_);
    err_ = s.Ack(req, &msg_);
    what_ = "delete link " + name_;
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (err_ == 0) return deferred_.Resolve(Napi::Boolean::New(env, true));
    if (err_ == -ENODEV) return deferred_.Resolve(Napi::Boolean::New(env, false));
    try {
      ThrowNl(env, what_, err_, msg_);
    } catch (const Napi::Error &e) {
      deferred_.Reject(e.Value());
    }
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::string ns_, name_, what_, msg_;
  int err_ = 0;
};

Napi::Value LinkDelAsync(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string ns = NsArg(info, 0);
  std::string name = OptString(info[1]);
  if (name.empty() || name.size() > 15 || name.find('/') != std::string::npos || name.find(' ') != std::string::npos)
    throw Napi::Error::New(env, "invalid interface name '" + name + "' (1-15 characters, no '/' or space)");
  auto *w = new LinkDelWorker(env, std::move(ns), std::move(name));
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("nlLinkDelAsync", Napi::Function::New(env, LinkDelAsync));
}

BERTH_REGISTER(Register);

}  // namespace
}  // namespace berth
