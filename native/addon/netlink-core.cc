// rtnetlink plumbing shared by the link, address, route and neighbour files.
#include "netlink-core.h"
#include "registry.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <thread>

namespace berth {

NlRequest::NlRequest(uint16_t type, uint16_t flags) : buf_(NLMSG_HDRLEN, 0) {
  buf_.reserve(512);
  nlmsghdr *h = Header();
  h->nlmsg_len = NLMSG_HDRLEN;
  h->nlmsg_type = type;
  h->nlmsg_flags = NLM_F_REQUEST | flags;
}

size_t NlRequest::Reserve(size_t len) {
  size_t off = NLMSG_ALIGN(buf_.size());
  buf_.resize(off + NLMSG_ALIGN(len), 0);
  Header()->nlmsg_len = buf_.size();
  return off;
}

void NlRequest::Put(uint16_t type, const void *data, size_t len) {
  size_t off = Reserve(RTA_LENGTH(len));
  rtattr *a = At<rtattr>(off);
  a->rta_type = type;
  a->rta_len = RTA_LENGTH(len);
  if (len) memcpy(RTA_DATA(a), data, len);
}

size_t NlRequest::NestBegin(uint16_t type) {
  size_t off = Reserve(RTA_LENGTH(0));
  rtattr *a = At<rtattr>(off);
  a->rta_type = type | NLA_F_NESTED;
  return off;
}

void NlRequest::NestEnd(size_t off) { At<rtattr>(off)->rta_len = buf_.size() - off; }

NlSocket::~NlSocket() {
  if (fd_ >= 0) close(fd_);
}

static int OpenHere() {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return -errno;
  int one = 1;
  setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);  // best effort: better messages
  sockaddr_nl sa{};
  sa.nl_family = AF_NETLINK;
  if (bind(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa) < 0) {
    int e = errno;
    close(fd);
    return -e;
  }
  return fd;
}

int NlSocket::Open(const std::string &nsPath) {
  if (nsPath.empty()) {
    fd_ = OpenHere();
    return fd_ < 0 ? fd_ : 0;
  }
  int nsfd = open(nsPath.c_str(), O_RDONLY | O_CLOEXEC);
  if (nsfd < 0) return -errno;
  int result = 0;
  // The thread joins the namespace, makes the socket and ends; the socket keeps the namespace.
  std::thread t([&] {
    if (setns(nsfd, CLONE_NEWNET) < 0) { result = -errno; return; }
    result = OpenHere();
  });
  t.join();
  close(nsfd);
  if (result < 0) return result;
  fd_ = result;
  return 0;
}

int NlSocket::Send(NlRequest &req) {
  nlmsghdr *h = req.Header();
  h->nlmsg_seq = ++seq_;
  sockaddr_nl sa{};
  sa.nl_family = AF_NETLINK;
  auto &b = req.Bytes();
  ssize_t n;
  do n = sendto(fd_, b.data(), b.size(), 0, reinterpret_cast<sockaddr *>(&sa), sizeof sa);
  while (n < 0 && errno == EINTR);
  if (n < 0) return -errno;
  return 0;
}

static void ExtAckMessage(nlmsghdr *h, std::string *msg) {
  if (!msg || !(h->nlmsg_flags & NLM_F_ACK_TLVS)) return;
  nlmsgerr *e = static_cast<nlmsgerr *>(NLMSG_DATA(h));
  size_t off = sizeof(nlmsgerr);
  if (!(h->nlmsg_flags & NLM_F_CAPPED)) off += e->msg.nlmsg_len - sizeof(nlmsghdr);
  int len = h->nlmsg_len - NLMSG_HDRLEN - off;
  if (len <= 0) return;
  rtattr *a = reinterpret_cast<rtattr *>(reinterpret_cast<char *>(e) + off);
  for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    if (a->rta_type == NLMSGERR_ATTR_MSG) *msg = AttrStr(a);
  }
}

// Reads replies for the last request until done/ack; fn sees each data message.
static int Receive(int fd, uint32_t seq, bool multi, const std::function<void(nlmsghdr *)> &fn, std::string *msg) {
  std::vector<char> buf(64 * 1024);
  for (;;) {
    ssize_t n;
    do n = recv(fd, buf.data(), buf.size(), MSG_TRUNC);
    while (n < 0 && errno == EINTR);
    if (n < 0) return -errno;
    if (static_cast<size_t>(n) > buf.size()) {  // message larger than the buffer: grow and drop this round
      buf.resize(n);
      return -EMSGSIZE;
    }
    int len = n;
    for (nlmsghdr *h = reinterpret_cast<nlmsghdr *>(buf.data()); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_seq != seq) continue;
      if (h->nlmsg_type == NLMSG_DONE) return 0;
      if (h->nlmsg_type == NLMSG_ERROR) {
        nlmsgerr *e = static_cast<nlmsgerr *>(NLMSG_DATA(h));
        if (e->error) ExtAckMessage(h, msg);
        return e->error;  // 0 = ack
      }
      if (fn) fn(h);
      if (!multi) return 0;
    }
  }
}

int NlSocket::Ack(NlRequest &req, std::string *msg) {
  req.Header()->nlmsg_flags |= NLM_F_ACK;
  int r = Send(req);
  if (r < 0) return r;
  return Receive(fd_, seq_, true, nullptr, msg);
}

int NlSocket::Dump(NlRequest &req, const std::function<void(nlmsghdr *)> &fn) {
  req.Header()->nlmsg_flags |= NLM_F_DUMP;
  int r = Send(req);
  if (r < 0) return r;
  return Receive(fd_, seq_, true, fn, nullptr);
}

int NlSocket::Get(NlRequest &req, const std::function<void(nlmsghdr *)> &fn, std::string *msg) {
  int r = Send(req);
  if (r < 0) return r;
  return Receive(fd_, seq_, false, fn, msg);
}

void ParseAttrs(rtattr *rta, int len, std::vector<rtattr *> &table, int max) {
  table.assign(max + 1, nullptr);
  for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
    int type = rta->rta_type & ~NLA_F_NESTED;
    if (type <= max) table[type] = rta;
  }
}

std::string AttrStr(rtattr *a) {
  const char *p = static_cast<const char *>(RTA_DATA(a));
  size_t n = RTA_PAYLOAD(a);
  return std::string(p, strnlen(p, n));
}

uint32_t AttrU32(rtattr *a) {
  uint32_t v = 0;
  memcpy(&v, RTA_DATA(a), std::min<size_t>(4, RTA_PAYLOAD(a)));
  return v;
}

std::string OptString(const Napi::Value &v) {
  if (v.IsUndefined() || v.IsNull()) return "";
  if (!v.IsString()) throw Napi::TypeError::New(v.Env(), "expected a string");
  return v.As<Napi::String>().Utf8Value();
}

std::string NsArg(const Napi::CallbackInfo &info, size_t i) { return i < info.Length() ? OptString(info[i]) : ""; }

void ThrowNl(Napi::Env env, const std::string &what, int negErrno, const std::string &msg) {
  int e = -negErrno;
  Napi::Error err = Napi::Error::New(env, what + ": " + strerror(e) + (msg.empty() ? "" : " (" + msg + ")"));
  const char *name = strerrorname_np(e);
  err.Set("code", Napi::String::New(env, name ? name : "EUNKNOWN"));
  err.Set("errno", Napi::Number::New(env, e));
  throw err;
}

void OpenOrThrow(Napi::Env env, NlSocket &s, const std::string &ns) {
  int r = s.Open(ns);
  if (r < 0) ThrowNl(env, ns.empty() ? "netlink socket" : "netlink socket in " + ns, r, "");
}

int LinkIndex(NlSocket &s, const std::string &name, int *index) {
  if (name.empty() || name.size() >= 16) return -EINVAL;
  NlRequest req(RTM_GETLINK, 0);
  ifinfomsg *ifi = req.Family<ifinfomsg>();
  ifi->ifi_family = AF_UNSPEC;
  req.PutStr(IFLA_IFNAME, name);
  req.PutU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
  *index = 0;
  int r = s.Get(req, [&](nlmsghdr *h) {
    if (h->nlmsg_type == RTM_NEWLINK) *index = static_cast<ifinfomsg *>(NLMSG_DATA(h))->ifi_index;
  });
  if (r < 0) return r;
  return *index ? 0 : -ENODEV;
}

bool ParseIp(const std::string &s, int *family, unsigned char out[16]) {
  memset(out, 0, 16);
  if (inet_pton(AF_INET, s.c_str(), out) == 1) { *family = AF_INET; return true; }
  if (inet_pton(AF_INET6, s.c_str(), out) == 1) { *family = AF_INET6; return true; }
  return false;
}

bool ParseCidr(const std::string &s, int *family, unsigned char out[16], int *prefix) {
  size_t slash = s.find('/');
  if (!ParseIp(s.substr(0, slash), family, out)) return false;
  int max = *family == AF_INET ? 32 : 128;
  if (slash == std::string::npos) { *prefix = max; return true; }
  std::string p = s.substr(slash + 1);
  if (p.empty() || p.size() > 3 || p.find_first_not_of("0123456789") != std::string::npos) return false;
  *prefix = std::stoi(p);
  return *prefix <= max;
}

std::string FormatIp(int family, const void *bytes) {
  char buf[INET6_ADDRSTRLEN] = "";
  inet_ntop(family, bytes, buf, sizeof buf);
  return buf;
}

bool ParseMac(const std::string &s, unsigned char out[6]) {
  unsigned v[6];
  char tail;
  if (sscanf(s.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6) return false;
  for (int i = 0; i < 6; i++) out[i] = static_cast<unsigned char>(v[i]);
  return true;
}

std::string FormatMac(const unsigned char *b, size_t len) {
  std::string out;
  char part[4];
  for (size_t i = 0; i < len; i++) {
    snprintf(part, sizeof part, i ? ":%02x" : "%02x", b[i]);
    out += part;
  }
  return out;
}

}  // namespace berth
