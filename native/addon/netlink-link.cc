// Links over rtnetlink: list, create (bridge, veth, vxlan, dummy), delete,
// and change (up/down, MTU, master, MAC, name, network namespace).
// Every function takes the netns path (or null for the host) first.
#include "netlink-core.h"
#include "registry.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/veth.h>
#include <net/if_arp.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace berth {
namespace {

struct Fd {
  int fd = -1;
  ~Fd() { if (fd >= 0) close(fd); }
};

std::string Str(const Napi::Object &o, const char *k) { return o.Has(k) ? OptString(o.Get(k)) : ""; }
bool Has(const Napi::Object &o, const char *k) {
  if (!o.Has(k)) return false;
  Napi::Value v = o.Get(k);
  return !v.IsUndefined() && !v.IsNull();
}
uint32_t U32(const Napi::Object &o, const char *k) { return o.Get(k).As<Napi::Number>().Uint32Value(); }

void CheckName(Napi::Env env, const std::string &name) {
  if (name.empty() || name.size() > 15 || name.find('/') != std::string::npos || name.find(' ') != std::string::npos)
    throw Napi::Error::New(env, "invalid interface name '" + name + "' (1-15 characters, no '/' or space)");
}

void OpenNs(Napi::Env env, const std::string &path, Fd &fd) {
  fd.fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd.fd < 0) ThrowErrno(env, "open netns " + path, errno);
}

// Common link attributes shared by the link and its veth peer.
void PutCommon(Napi::Env env, NlRequest &req, const Napi::Object &o, Fd &nsfd) {
  if (Has(o, "mtu")) req.PutU32(IFLA_MTU, U32(o, "mtu"));
  if (Has(o, "mac")) {
    unsigned char mac[6];
    if (!ParseMac(Str(o, "mac"), mac)) throw Napi::Error::New(env, "invalid MAC address '" + Str(o, "mac") + "'");
    req.Put(IFLA_ADDRESS, mac, 6);
  }
  if (Has(o, "netns")) {
    OpenNs(env, Str(o, "netns"), nsfd);
    req.PutU32(IFLA_NET_NS_FD, nsfd.fd);
  }
}

void PutVxlan(Napi::Env env, NlSocket &s, NlRequest &req, const Napi::Object &v) {
  req.PutU32(IFLA_VXLAN_ID, U32(v, "id"));
  if (Has(v, "local")) {
    int fam;
    unsigned char ip[16];
    if (!ParseIp(Str(v, "local"), &fam, ip)) throw Napi::Error::New(env, "invalid vxlan local address");
    if (fam == AF_INET) req.Put(IFLA_VXLAN_LOCAL, ip, 4); else req.Put(IFLA_VXLAN_LOCAL6, ip, 16);
  }
  if (Has(v, "dev")) {
    int idx;
    int r = LinkIndex(s, Str(v, "dev"), &idx);
    if (r < 0) ThrowNl(env, "vxlan dev " + Str(v, "dev"), r, "");
    req.PutU32(IFLA_VXLAN_LINK, idx);
  }
  uint16_t port = Has(v, "port") ? U32(v, "port") : 4789;
  uint16_t be = htons(port);
  req.Put(IFLA_VXLAN_PORT, &be, 2);
  req.PutU8(IFLA_VXLAN_LEARNING, Has(v, "learning") && v.Get("learning").ToBoolean() ? 1 : 0);
}

// The vxlan attributes a caller checks: VNI, UDP port, learning, local address, lower device.
Napi::Object VxlanInfo(Napi::Env env, rtattr *data) {
  std::vector<rtattr *> vx;
  ParseAttrs(static_cast<rtattr *>(RTA_DATA(data)), RTA_PAYLOAD(data), vx, IFLA_VXLAN_MAX);
  Napi::Object v = Napi::Object::New(env);
  if (vx[IFLA_VXLAN_ID]) v.Set("id", AttrU32(vx[IFLA_VXLAN_ID]));
  if (vx[IFLA_VXLAN_PORT]) {
    uint16_t be;
    memcpy(&be, RTA_DATA(vx[IFLA_VXLAN_PORT]), 2);
    v.Set("port", ntohs(be));
  }
  if (vx[IFLA_VXLAN_LEARNING]) v.Set("learning", *static_cast<uint8_t *>(RTA_DATA(vx[IFLA_VXLAN_LEARNING])) != 0);
  if (vx[IFLA_VXLAN_LOCAL]) v.Set("local", FormatIp(AF_INET, RTA_DATA(vx[IFLA_VXLAN_LOCAL])));
  else if (vx[IFLA_VXLAN_LOCAL6]) v.Set("local", FormatIp(AF_INET6, RTA_DATA(vx[IFLA_VXLAN_LOCAL6])));
  if (vx[IFLA_VXLAN_LINK]) v.Set("dev", AttrU32(vx[IFLA_VXLAN_LINK]));
  return v;
}

Napi::Value LinkList(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  NlSocket s;
  OpenOrThrow(env, s, NsArg(info, 0));
  NlRequest req(RTM_GETLINK, 0);
  req.Family<ifinfomsg>()->ifi_family = AF_UNSPEC;
  req.PutU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
  Napi::Array out = Napi::Array::New(env);
  uint32_t n = 0;
  int r = s.Dump(req, [&](nlmsghdr *h) {
    if (h->nlmsg_type != RTM_NEWLINK) return;
    ifinfomsg *ifi = static_cast<ifinfomsg *>(NLMSG_DATA(h));
    std::vector<rtattr *> tb;
    ParseAttrs(IFLA_RTA(ifi), IFLA_PAYLOAD(h), tb, IFLA_MAX);
    Napi::Object o = Napi::Object::New(env);
    o.Set("index", ifi->ifi_index);
    o.Set("name", tb[IFLA_IFNAME] ? AttrStr(tb[IFLA_IFNAME]) : "");
    o.Set("up", (ifi->ifi_flags & IFF_UP) != 0);
    o.Set("mtu", tb[IFLA_MTU] ? AttrU32(tb[IFLA_MTU]) : 0);
    o.Set("master", tb[IFLA_MASTER] ? AttrU32(tb[IFLA_MASTER]) : 0);
    o.Set("link", tb[IFLA_LINK] ? AttrU32(tb[IFLA_LINK]) : 0);
    if (tb[IFLA_ADDRESS]) o.Set("mac", FormatMac(static_cast<unsigned char *>(RTA_DATA(tb[IFLA_ADDRESS])), RTA_PAYLOAD(tb[IFLA_ADDRESS])));
    std::string kind;
    if (tb[IFLA_LINKINFO]) {
      std::vector<rtattr *> li;
      ParseAttrs(static_cast<rtattr *>(RTA_DATA(tb[IFLA_LINKINFO])), RTA_PAYLOAD(tb[IFLA_LINKINFO]), li, IFLA_INFO_MAX);
      if (li[IFLA_INFO_KIND]) kind = AttrStr(li[IFLA_INFO_KIND]);
      if (kind == "vxlan" && li[IFLA_INFO_DATA]) o.Set("vxlan", VxlanInfo(env, li[IFLA_INFO_DATA]));
    }
    if (kind.empty() && ifi->ifi_type == ARPHRD_LOOPBACK) kind = "loopback";
    o.Set("kind", kind);
    out.Set(n++, o);
  });
  if (r < 0) ThrowNl(env, "list links", r, "");
  return out;
}

// linkAdd(ns, {name, kind, mtu?, mac?, master?, up?, netns?, peer?: {name, mtu?, mac?, netns?}, vxlan?: {...}})
Napi::Value LinkAdd(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string ns = NsArg(info, 0);
  Napi::Object o = info[1].As<Napi::Object>();
  std::string name = Str(o, "name"), kind = Str(o, "kind");
  CheckName(env, name);
  if (kind != "bridge" && kind != "veth" && kind != "dummy" && kind != "vxlan")
    throw Napi::Error::New(env, "unsupported link kind '" + kind + "'");
  NlSocket s;
  OpenOrThrow(env, s, ns);
  NlRequest req(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
  ifinfomsg *ifi = req.Family<ifinfomsg>();
  ifi->ifi_family = AF_UNSPEC;
  if (Has(o, "up") && o.Get("up").ToBoolean()) { ifi->ifi_flags = IFF_UP; ifi->ifi_change = IFF_UP; }
  req.PutStr(IFLA_IFNAME, name);
  Fd nsfd, peerNs;
  PutCommon(env, req, o, nsfd);
  if (Has(o, "master")) {
    int idx;
    int r = LinkIndex(s, Str(o, "master"), &idx);
    if (r < 0) ThrowNl(env, "master " + Str(o, "master"), r, "");
    req.PutU32(IFLA_MASTER, idx);
  }
  size_t li = req.NestBegin(IFLA_LINKINFO);
  req.PutStr(IFLA_INFO_KIND, kind);
  if (kind == "veth") {
    if (!Has(o, "peer")) throw Napi::Error::New(env, "veth needs a peer");
    Napi::Object p = o.Get("peer").As<Napi::Object>();
    CheckName(env, Str(p, "name"));
    size_t data = req.NestBegin(IFLA_INFO_DATA);
    size_t peer = req.NestBegin(VETH_INFO_PEER);
    req.Reserve(sizeof(ifinfomsg));  // the peer's own (empty) ifinfomsg
    req.PutStr(IFLA_IFNAME, Str(p, "name"));
    PutCommon(env, req, p, peerNs);
    req.NestEnd(peer);
    req.NestEnd(data);
  } else if (kind == "vxlan") {
    if (!Has(o, "vxlan")) throw Napi::Error::New(env, "vxlan needs options {id}");
    size_t data = req.NestBegin(IFLA_INFO_DATA);
    PutVxlan(env, s, req, o.Get("vxlan").As<Napi::Object>());
    req.NestEnd(data);
  }
  req.NestEnd(li);
  std::string msg;
  int r = s.Ack(req, &msg);
  if (r < 0) ThrowNl(env, "create " + kind + " link " + name, r, msg);
  return env.Undefined();
}

Napi::Value LinkDel(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string name = OptString(info[1]);
  NlSocket s;
  OpenOrThrow(env, s, NsArg(info, 0));
  NlRequest req(RTM_DELLINK, 0);
  req.Family<ifinfomsg>()->ifi_family = AF_UNSPEC;
  CheckName(env, name);
  req.PutStr(IFLA_IFNAME, name);
  std::string msg;
  int r = s.Ack(req, &msg);
  if (r < 0) ThrowNl(env, "delete link " + name, r, msg);
  return env.Undefined();
}

// linkSet(ns, name, {up?, mtu?, mac?, master? ('' = none), name? (rename), netns?, hairpin?, neighSuppress? (bridge port)})
Napi::Value LinkSet(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string name = OptString(info[1]);
  Napi::Object o = info[2].As<Napi::Object>();
  NlSocket s;
  OpenOrThrow(env, s, NsArg(info, 0));
  int idx;
  int r = LinkIndex(s, name, &idx);
  if (r < 0) ThrowNl(env, "link " + name, r, "");
  NlRequest req(RTM_NEWLINK, 0);
  ifinfomsg *ifi = req.Family<ifinfomsg>();
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = idx;
  if (Has(o, "up")) {
    ifi->ifi_change = IFF_UP;
    ifi->ifi_flags = o.Get("up").ToBoolean() ? IFF_UP : 0;
  }
  if (Has(o, "name")) {
    CheckName(env, Str(o, "name"));
    req.PutStr(IFLA_IFNAME, Str(o, "name"));
  }
  Fd nsfd;
  PutCommon(env, req, o, nsfd);
  if (o.Has("master") && !o.Get("master").IsUndefined()) {
    std::string m = Str(o, "master");
    int midx = 0;
    if (!m.empty()) {
      r = LinkIndex(s, m, &midx);
      if (r < 0) ThrowNl(env, "master " + m, r, "");
    }
    req.PutU32(IFLA_MASTER, midx);
  }
  std::string msg;
  r = s.Ack(req, &msg);
  if (r < 0) ThrowNl(env, "change link " + name, r, msg);
  if (Has(o, "hairpin") || Has(o, "neighSuppress")) {
    // Bridge-port flags: hairpin (a frame may leave by the port it came in on: published-port hairpin);
    // neigh_suppress (ARP/ND for the bridge's own addresses is not flooded out of the port).
    NlRequest bp(RTM_SETLINK, 0);
    ifinfomsg *b = bp.Family<ifinfomsg>();
    b->ifi_family = AF_BRIDGE;
    b->ifi_index = idx;
    size_t pi = bp.NestBegin(IFLA_PROTINFO);
    if (Has(o, "hairpin")) bp.PutU8(IFLA_BRPORT_MODE, o.Get("hairpin").ToBoolean() ? 1 : 0);
    if (Has(o, "neighSuppress")) bp.PutU8(IFLA_BRPORT_NEIGH_SUPPRESS, o.Get("neighSuppress").ToBoolean() ? 1 : 0);
    bp.NestEnd(pi);
    r = s.Ack(bp, &msg);
    if (r < 0) ThrowNl(env, "set bridge port flags on " + name, r, msg);
  }
  return env.Undefined();
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("nlLinkList", Napi::Function::New(env, LinkList));
  exports.Set("nlLinkAdd", Napi::Function::New(env, LinkAdd));
  exports.Set("nlLinkDel", Napi::Function::New(env, LinkDel));
  exports.Set("nlLinkSet", Napi::Function::New(env, LinkSet));
}
BERTH_REGISTER(Register);

}  // namespace
}  // namespace berth
