// Raw rtnetlink: a message builder, a socket opened in a chosen network
// namespace, request/ack and dump helpers. No libnl: the protocol is small
// and this keeps the addon free of extra shared libraries.
#pragma once
#include <napi.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace berth {

// One netlink request under construction: header, family header, attributes.
class NlRequest {
 public:
  NlRequest(uint16_t type, uint16_t flags);
  template <typename T> T *Family() {
    size_t off = Reserve(sizeof(T));
    return reinterpret_cast<T *>(buf_.data() + off);
  }
  void Put(uint16_t type, const void *data, size_t len);
  void PutU8(uint16_t type, uint8_t v) { Put(type, &v, 1); }
  void PutU16(uint16_t type, uint16_t v) { Put(type, &v, 2); }
  void PutU32(uint16_t type, uint32_t v) { Put(type, &v, 4); }
  void PutStr(uint16_t type, const std::string &s) { Put(type, s.c_str(), s.size() + 1); }
  size_t NestBegin(uint16_t type);
  void NestEnd(size_t off);
  // Reserves aligned room at the end (used for nested family headers).
  size_t Reserve(size_t len);
  template <typename T> T *At(size_t off) { return reinterpret_cast<T *>(buf_.data() + off); }
  nlmsghdr *Header() { return reinterpret_cast<nlmsghdr *>(buf_.data()); }
  std::vector<char> &Bytes() { return buf_; }

 private:
  std::vector<char> buf_;
};

// A NETLINK_ROUTE socket. When nsPath is non-empty the socket is created by a
// short-lived thread that joined that network namespace: a netlink socket
// stays bound to the namespace it was created in, so the Node main thread
// never changes namespace.
class NlSocket {
 public:
  NlSocket() = default;
  ~NlSocket();
  NlSocket(const NlSocket &) = delete;
  NlSocket &operator=(const NlSocket &) = delete;
  int Open(const std::string &nsPath);  // 0 or -errno
  // Sends and waits for the ack; 0 or -errno. The kernel's extended-ack text, if any, goes to *msg.
  int Ack(NlRequest &req, std::string *msg = nullptr);
  // Sends a dump request and calls fn for each reply message; 0 or -errno.
  int Dump(NlRequest &req, const std::function<void(nlmsghdr *)> &fn);
  // Sends and returns the first reply message (RTM_GET* of one object); 0 or -errno.
  int Get(NlRequest &req, const std::function<void(nlmsghdr *)> &fn, std::string *msg = nullptr);

 private:
  int Send(NlRequest &req);
  int fd_ = -1;
  uint32_t seq_ = 1;
};

// Parses a run of attributes into a table indexed by type (up to max).
void ParseAttrs(rtattr *rta, int len, std::vector<rtattr *> &table, int max);
std::string AttrStr(rtattr *a);
uint32_t AttrU32(rtattr *a);

// Argument helpers shared by the netlink/netns files.
std::string OptString(const Napi::Value &v);  // "" for undefined/null
std::string NsArg(const Napi::CallbackInfo &info, size_t i);
// Opens a socket in the namespace named by argument i, throwing on failure.
void OpenOrThrow(Napi::Env env, NlSocket &s, const std::string &ns);
// Throws an Error "<what>: <strerror>[ (<kernel message>)]" with .code.
[[noreturn]] void ThrowNl(Napi::Env env, const std::string &what, int negErrno, const std::string &msg);
// Resolves an interface name in the socket's namespace; 0 or -errno.
int LinkIndex(NlSocket &s, const std::string &name, int *index);
// "10.1.2.3" or "fd00::1" → family + bytes; false when not an address.
bool ParseIp(const std::string &s, int *family, unsigned char out[16]);
// "10.1.2.0/24" (prefix optional: full length) → family, bytes, prefix.
bool ParseCidr(const std::string &s, int *family, unsigned char out[16], int *prefix);
std::string FormatIp(int family, const void *bytes);
bool ParseMac(const std::string &s, unsigned char out[6]);
std::string FormatMac(const unsigned char *b, size_t len);

}  // namespace berth
