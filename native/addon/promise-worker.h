// An AsyncWorker that settles a promise: resolved with Result() when Execute
// ran through, rejected with an errno Error (ThrowErrno's shape: message
// "<what>: <strerror>", `code` the errno name) when it called Fail().
#pragma once
#include <string>
#include "registry.h"

namespace berth {

class PromiseWorker : public Napi::AsyncWorker {
 public:
  explicit PromiseWorker(Napi::Env env) : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Fail(const std::string &what, int err) {
    what_ = what;
    err_ = err;
    SetError(what);  // makes node-addon-api call OnError instead of OnOK
  }
  /** What the promise resolves with (on the JS thread, after Execute). */
  virtual Napi::Value Result(Napi::Env env) { return env.Undefined(); }
  void OnOK() override { deferred_.Resolve(Result(Env())); }
  void OnError(const Napi::Error &) override {
    Napi::Env env = Env();
    try {
      ThrowErrno(env, what_, err_);
    } catch (const Napi::Error &e) {
      deferred_.Reject(e.Value());
    }
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::string what_;
  int err_ = 0;
};

}  // namespace berth
