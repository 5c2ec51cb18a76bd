// readLine(fd, max, timeoutMs) → Promise<{ text, complete, timedOut }>:
// reads a helper's one-line report from a pipe on Node's event loop (a
// uv_poll on the descriptor, no thread held while the helper works). Node
// itself could only read a pipe through node:net and its streams (~2 ms to
// load per command that starts a container) or through fs reads, which block
// a thread-pool thread until the writer writes. The descriptor is taken over
// and closed.
//   text: what came before the first newline (or all that came);
//   complete: a newline came; false at end of file, after `max` bytes without
//   one, or at the timeout (timedOut: true).
#include <uv.h>
#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <string>
#include "registry.h"

namespace {

struct Reader {
  Reader(Napi::Env e, int f, size_t m)
      : env(e), fd(f), max(m), deferred(Napi::Promise::Deferred::New(e)), context(e, "berth:readLine") {}
  Napi::Env env;
  int fd;
  size_t max;
  Napi::Promise::Deferred deferred;
  Napi::AsyncContext context;
  uv_poll_t poll;
  uv_timer_t timer;
  std::string buf;
  int openHandles = 2;
  bool done = false;
};

void OnClose(uv_handle_t *h) {
  Reader *r = static_cast<Reader *>(h->data);
  if (--r->openHandles == 0) delete r;
}

// Settles the promise once, inside a callback scope so that its reactions run now.
void Finish(Reader *r, bool complete, bool timedOut, int err) {
  if (r->done) return;
  r->done = true;
  uv_poll_stop(&r->poll);
  uv_timer_stop(&r->timer);
  close(r->fd);
  {
    Napi::HandleScope handles(r->env);
    Napi::CallbackScope scope(r->env, r->context);
    if (err) {
      try {
        berth::ThrowErrno(r->env, "reading a report", err);
      } catch (const Napi::Error &e) {
        r->deferred.Reject(e.Value());
      }
    } else {
      Napi::Object o = Napi::Object::New(r->env);
      o.Set("text", Napi::String::New(r->env, r->buf));
      o.Set("complete", Napi::Boolean::New(r->env, complete));
      o.Set("timedOut", Napi::Boolean::New(r->env, timedOut));
      r->deferred.Resolve(o);
    }
  }
  uv_close(reinterpret_cast<uv_handle_t *>(&r->poll), OnClose);
  uv_close(reinterpret_cast<uv_handle_t *>(&r->timer), OnClose);
}

void OnReadable(uv_poll_t *h, int status, int events) {
  Reader *r = static_cast<Reader *>(h->data);
  if (status < 0) return Finish(r, false, false, -status);
  char chunk[512];
  for (;;) {
    ssize_t n = read(r->fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n < 0) return Finish(r, false, false, errno);
    if (n == 0) return Finish(r, false, false, 0);  // end of file without a newline
    r->buf.append(chunk, static_cast<size_t>(n));
    size_t nl = r->buf.find('\n');
    if (nl != std::string::npos) {
      r->buf.resize(nl);
      return Finish(r, true, false, 0);
    }
    if (r->buf.size() >= r->max) return Finish(r, false, false, 0);
  }
}

void OnTimeout(uv_timer_t *h) { Finish(static_cast<Reader *>(h->data), false, true, 0); }

Napi::Value ReadLine(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsNumber())
    throw Napi::TypeError::New(env, "readLine(fd, max, timeoutMs)");
  int fd = info[0].As<Napi::Number>().Int32Value();
  size_t max = info[1].As<Napi::Number>().Uint32Value();
  uint64_t timeout = static_cast<uint64_t>(info[2].As<Napi::Number>().Int64Value());
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) berth::ThrowErrno(env, "readLine", errno);
  uv_loop_t *loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) throw Napi::Error::New(env, "readLine: no event loop");
  Reader *r = new Reader(env, fd, max ? max : 1);
  int err = uv_poll_init(loop, &r->poll, fd);
  if (err) {
    delete r;
    berth::ThrowErrno(env, "readLine", -err);
  }
  uv_timer_init(loop, &r->timer);
  r->poll.data = r;
  r->timer.data = r;
  Napi::Promise p = r->deferred.Promise();
  uv_poll_start(&r->poll, UV_READABLE | UV_DISCONNECT, OnReadable);
  uv_timer_start(&r->timer, OnTimeout, timeout, 0);
  return p;
}

void Register(Napi::Env env, Napi::Object exports) { exports.Set("readLine", Napi::Function::New(env, ReadLine)); }

BERTH_REGISTER(Register);

}  // namespace
