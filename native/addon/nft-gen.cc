// nftGeneration() → number: the host's nftables ruleset generation (NFT_MSG_GETGEN
// over NETLINK_NETFILTER), which the kernel bumps on every committed change of
// any table. Equal generations mean an unchanged ruleset, so a firewall check
// that found everything in place need not list the ruleset again (an `nft`
// run, ~10-15 ms) until something changed. Throws with errno on failure.
#include "registry.h"
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace berth {
namespace {

// 0 and the generation in *gen, or -errno.
int ReadGeneration(uint32_t *gen) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
  if (fd < 0) return -errno;
  struct {
    nlmsghdr nh;
    nfgenmsg nf;
  } req;
  memset(&req, 0, sizeof req);
  req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(nfgenmsg));
  req.nh.nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETGEN;
  req.nh.nlmsg_flags = NLM_F_REQUEST;
  req.nh.nlmsg_seq = 1;
  req.nf.nfgen_family = AF_UNSPEC;
  req.nf.version = NFNETLINK_V0;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd, &req, req.nh.nlmsg_len, 0, reinterpret_cast<sockaddr *>(&kernel), sizeof kernel) < 0) {
    int e = errno;
    close(fd);
    return -e;
  }
  alignas(nlmsghdr) char buf[8192];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      close(fd);
      return -e;
    }
    int len = static_cast<int>(n);
    for (nlmsghdr *h = reinterpret_cast<nlmsghdr *>(buf); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_seq != 1) continue;
      if (h->nlmsg_type == NLMSG_ERROR) {
        auto *err = static_cast<nlmsgerr *>(NLMSG_DATA(h));
        close(fd);
        return err->error ? err->error : -EPROTO;
      }
      if (h->nlmsg_type != ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWGEN)) continue;
      int alen = static_cast<int>(h->nlmsg_len) - NLMSG_LENGTH(sizeof(nfgenmsg));
      auto *a = reinterpret_cast<nlattr *>(static_cast<char *>(NLMSG_DATA(h)) + NLMSG_ALIGN(sizeof(nfgenmsg)));
      while (alen >= static_cast<int>(sizeof(nlattr)) && a->nla_len >= sizeof(nlattr) && a->nla_len <= alen) {
        if ((a->nla_type & NLA_TYPE_MASK) == NFTA_GEN_ID && a->nla_len >= NLA_HDRLEN + sizeof(uint32_t)) {
          uint32_t v;
          memcpy(&v, reinterpret_cast<char *>(a) + NLA_HDRLEN, sizeof v);
          *gen = ntohl(v);
          close(fd);
          return 0;
        }
        int step = NLA_ALIGN(a->nla_len);
        alen -= step;
        a = reinterpret_cast<nlattr *>(reinterpret_cast<char *>(a) + step);
      }
      close(fd);
      return -EPROTO;
    }
  }
}

Napi::Value NftGeneration(const Napi::CallbackInfo &info) {
  uint32_t gen = 0;
  int r = ReadGeneration(&gen);
  if (r < 0) ThrowErrno(info.Env(), "nftables generation", -r);
  return Napi::Number::New(info.Env(), gen);
}

void Register(Napi::Env env, Napi::Object exports) { exports.Set("nftGeneration", Napi::Function::New(env, NftGeneration)); }
BERTH_REGISTER(Register);

}  // namespace
}  // namespace berth
