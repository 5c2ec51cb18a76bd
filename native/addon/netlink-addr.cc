// Addresses, routes and neighbour/FDB entries over rtnetlink.
#include "netlink-core.h"
#include "registry.h"
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <sys/socket.h>
#include <cerrno>
#include <cstring>

namespace berth {
namespace {

bool Has(const Napi::Object &o, const char *k) {
  if (!o.Has(k)) return false;
  Napi::Value v = o.Get(k);
  return !v.IsUndefined() && !v.IsNull();
}
std::string Str(const Napi::Object &o, const char *k) { return Has(o, k) ? OptString(o.Get(k)) : ""; }

int Index(Napi::Env env, NlSocket &s, const std::string &dev) {
  int idx;
  int r = LinkIndex(s, dev, &idx);
  if (r < 0) ThrowNl(env, "link " + dev, r, "");
  return idx;
}

// addr(ns, 'add'|'del', dev, "10.1.0.1/24", {nodad?})
Napi::Value Addr(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string op = OptString(info[1]), dev = OptString(info[2]), cidr = OptString(info[3]);
  bool nodad = info.Length() > 4 && info[4].IsObject() && info[4].As<Napi::Object>().Get("nodad").ToBoolean();
  int fam, prefix;
  unsigned char ip[16];
  if (!ParseCidr(cidr, &fam, ip, &prefix)) throw Napi::Error::New(env, "invalid address '" + cidr + "'");
  NlSocket s;
  OpenOrThrow(env, s, NsArg(info, 0));
  int idx = Index(env, s, dev);
  bool add = op == "add";
  NlRequest req(add ? RTM_NEWADDR : RTM_DELADDR, add ? NLM_F_CREATE | NLM_F_EXCL : 0);
  ifaddrmsg *ifa = req.Family<ifaddrmsg>();
  ifa->ifa_family = fam;
  ifa->ifa_prefixlen = prefix;
  ifa->ifa_index = idx;
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;
  size_t len = fam == AF_INET ? 4 : 16;
  req.Put(IFA_LOCAL, ip, len);
  req.Put(IFA_ADDRESS, ip, len);
  if (fam == AF_INET && prefix < 31) {  // broadcast = host bits set
    unsigned char b[4];
    memcpy(b, ip, 4);
    for (int i = prefix; i < 32; i++) b[i / 8] |= 0x80 >> (i % 8);
    req.Put(IFA_BROADCAST, b, 4);
  }
  if (nodad) req.PutU32(IFA_FLAGS, IFA_F_NODAD);
  std::string msg;
  int r = s.Ack(req, &msg);
  if (r < 0) ThrowNl(env, op + " address " + cidr + " on " + dev, r, msg);
  return env.Undefined();
}

Napi::Value AddrList(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  NlSocket s;
  OpenOrThrow(env, s, NsArg(info, 0));
  NlRequest req(RTM_GETADDR, 0);
  req.Family<ifaddrmsg>()->ifa_family = AF_UNSPEC;
  Napi::Array out = Napi::Array::New(env);
  uint32_t n = 0;
  int r = s.Dump(req, [&](nlmsghdr *h) {
    if (h->nlmsg_type != RTM_NEWADDR) return;
    ifaddrmsg *ifa = static_cast<ifaddrmsg *>(NLMSG_DATA(h));
    std::vector<rtattr *> tb;
    ParseAttrs(IFA_RTA(ifa), IFA_PAYLOAD(h), tb, IFA_MAX);
    rtattr *a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
    if (!a) return;
    Napi::Object o = Napi::Object::New(env);
    o.Set("index", ifa->ifa_index);
    o.Set("family", ifa->ifa_family == AF_INET ? 4 : 6);
    o.Set("address", FormatIp(ifa->ifa_family, RTA_DATA(a)));
    o.Set("prefixLen", ifa->ifa_prefixlen);
    out.Set(n++, o);
  });
  if (r < 0) ThrowNl(env, "list addresses", r, "");
  return out;
}

// route(ns, 'add'|'del'|'replace', {dst: 'default'|cidr, gateway?, dev?, metric?, table?, scope?: 'link', src?})
Napi::Value Route(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string op = OptString(info[1]);
  Napi::Object o = info[2].As<Napi::Object>();
  std::string dst = Str(o, "dst");
  int fam = 0, prefix = 0;
  unsigned char dip[16] = {0};
  if (dst == "default" || dst == "default6") {
    fam = dst == "default" ? AF_INET : AF_INET6;
  } else if (!ParseCidr(dst, &fam, dip, &prefix)) {
    throw Napi::Error::New(env, "invalid route destination '" + dst + "'");
  }
  NlSocket s;
  OpenOrThrow(env, s, NsArg(info, 0));
  uint16_t flags = op == "add" ? NLM_F_CREATE | NLM_F_EXCL : op == "replace" ? NLM_F_CREATE | NLM_F_REPLACE : 0;
  NlRequest req(op == "del" ? RTM_DELROUTE : RTM_NEWROUTE, flags);
  rtmsg *rt = req.Family<rtmsg>();
  rt->rtm_family = fam;
  rt->rtm_dst_len = prefix;
  rt->rtm_table = RT_TABLE_MAIN;
  rt->rtm_protocol = RTPROT_BOOT;
  rt->rtm_type = RTN_UNICAST;
  rt->rtm_scope = Str(o, "scope") == "link" ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
  if (op == "del") rt->rtm_scope = RT_SCOPE_NOWHERE;
  size_t len = fam == AF_INET ? 4 : 16;
  if (prefix) req.Put(RTA_DST, dip, len);
  if (Has(o, "gateway")) {
    int gf;
    unsigned char gw[16];
    if (!ParseIp(Str(o, "gateway"), &gf, gw) || gf != fam) throw Napi::Error::New(env, "invalid gateway '" + Str(o, "gateway") + "'");
    req.Put(RTA_GATEWAY, gw, len);
  }
  if (Has(o, "src")) {
    int sf;
    unsigned char sip[16];
    if (!ParseIp(Str(o, "src"), &sf, sip) || sf != fam) throw Napi::Error::New(env, "invalid source '" + Str(o, "src") + "'");
    req.Put(RTA_PREFSRC, sip, len);
  }
  if (Has(o, "dev")) req.PutU32(RTA_OIF, Index(env, s, Str(o, "dev")));
  if (Has(o, "metric")) req.PutU32(RTA_PRIORITY, o.Get("metric").As<Napi::Number>().Uint32Value());
  std::string msg;
  int r = s.Ack(req, &msg);
  if (r < 0) ThrowNl(env, op + " route " + dst, r, msg);
  return env.Undefined();
}

// routeList(ns, 4|6) → main-table unicast routes (what "is this subnet routed" needs).
Napi::Value RouteList(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int fam = info.Length() > 1 && info[1].IsNumber() && info[1].As<Napi::Number>().Int32Value() == 6 ? AF_INET6 : AF_INET;
  NlSocket s;
  OpenOrThrow(env, s, NsArg(info, 0));
  NlRequest req(RTM_GETROUTE, 0);
  req.Family<rtmsg>()->rtm_family = fam;
  Napi::Array out = Napi::Array::New(env);
  uint32_t n = 0;
  int r = s.Dump(req, [&](nlmsghdr *h) {
    if (h->nlmsg_type != RTM_NEWROUTE) return;
    rtmsg *rt = static_cast<rtmsg *>(NLMSG_DATA(h));
    std::vector<rtattr *> tb;
    ParseAttrs(RTM_RTA(rt), RTM_PAYLOAD(h), tb, RTA_MAX);
    uint32_t table = tb[RTA_TABLE] ? AttrU32(tb[RTA_TABLE]) : rt->rtm_table;
    Napi::Object o = Napi::Object::New(env);
    unsigned char zero[16] = {0};
    o.Set("dst", FormatIp(fam, tb[RTA_DST] ? RTA_DATA(tb[RTA_DST]) : zero));
    o.Set("prefixLen", rt->rtm_dst_len);
    o.Set("table", table);
    o.Set("type", rt->rtm_type);
    if (tb[RTA_GATEWAY]) o.Set("gateway", FormatIp(fam, RTA_DATA(tb[RTA_GATEWAY])));
    if (tb[RTA_OIF]) o.Set("oif", AttrU32(tb[RTA_OIF]));
    out.Set(n++, o);
  });
  if (r < 0) ThrowNl(env, "list routes", r, "");
  return out;
}

// neigh(ns, 'add'|'del', {dev, mac, ip?, fdb?: bool, dst?: ip (vxlan remote), master?: bool})
// fdb=true writes a bridge/vxlan forwarding entry (AF_BRIDGE); otherwise an ARP/NDP entry.
Napi::Value Neigh(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string op = OptString(info[1]);
  Napi::Object o = info[2].As<Napi::Object>();
  bool fdb = Has(o, "fdb") && o.Get("fdb").ToBoolean();
  unsigned char mac[6];
  if (!ParseMac(Str(o, "mac"), mac)) throw Napi::Error::New(env, "invalid MAC address '" + Str(o, "mac") + "'");
  NlSocket s;
  OpenOrThrow(env, s, NsArg(info, 0));
  int idx = Index(env, s, Str(o, "dev"));
  // 'append' adds one more destination to an entry (the all-zero MAC of a
  // vxlan device lists every remote VTEP: `bridge fdb append`); 'add' replaces.
  bool add = op == "add" || op == "append";
  if (!add && op != "del") throw Napi::Error::New(env, "neighbour op must be add, append or del");
  uint16_t flags = op == "add" ? NLM_F_CREATE | NLM_F_REPLACE : op == "append" ? NLM_F_CREATE | NLM_F_APPEND : 0;
  NlRequest req(add ? RTM_NEWNEIGH : RTM_DELNEIGH, flags);
  ndmsg *nd = req.Family<ndmsg>();
  nd->ndm_ifindex = idx;
  nd->ndm_state = NUD_PERMANENT;
  req.Put(NDA_LLADDR, mac, 6);
  if (fdb) {
    nd->ndm_family = AF_BRIDGE;
    nd->ndm_flags = Has(o, "master") && o.Get("master").ToBoolean() ? NTF_MASTER : NTF_SELF;
    if (Has(o, "dst")) {
      int f;
      unsigned char ip[16];
      if (!ParseIp(Str(o, "dst"), &f, ip)) throw Napi::Error::New(env, "invalid fdb dst");
      req.Put(NDA_DST, ip, f == AF_INET ? 4 : 16);
    }
  } else {
    int f;
    unsigned char ip[16];
    if (!ParseIp(Str(o, "ip"), &f, ip)) throw Napi::Error::New(env, "invalid neighbour address '" + Str(o, "ip") + "'");
    nd->ndm_family = f;
    req.Put(NDA_DST, ip, f == AF_INET ? 4 : 16);
  }
  std::string msg;
  int r = s.Ack(req, &msg);
  if (r < 0) ThrowNl(env, op + (fdb ? " fdb entry " : " neighbour ") + Str(o, "mac"), r, msg);
  return env.Undefined();
}

// neighList(ns, {fdb?: bool, dev?: name}) → [{ifindex, mac, ip?, dst?, permanent, self, master}]
// fdb=true lists bridge/vxlan forwarding entries (AF_BRIDGE); otherwise ARP/NDP entries.
Napi::Value NeighList(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Napi::Object o = info.Length() > 1 && info[1].IsObject() ? info[1].As<Napi::Object>() : Napi::Object::New(env);
  bool fdb = Has(o, "fdb") && o.Get("fdb").ToBoolean();
  NlSocket s;
  OpenOrThrow(env, s, NsArg(info, 0));
  int only = Has(o, "dev") ? Index(env, s, Str(o, "dev")) : 0;
  NlRequest req(RTM_GETNEIGH, 0);
  ndmsg *q = req.Family<ndmsg>();
  q->ndm_family = fdb ? AF_BRIDGE : AF_UNSPEC;
  if (only) q->ndm_ifindex = only;
  Napi::Array out = Napi::Array::New(env);
  uint32_t n = 0;
  int r = s.Dump(req, [&](nlmsghdr *h) {
    if (h->nlmsg_type != RTM_NEWNEIGH) return;
    ndmsg *nd = static_cast<ndmsg *>(NLMSG_DATA(h));
    if (only && nd->ndm_ifindex != only) return;
    if (fdb != (nd->ndm_family == AF_BRIDGE)) return;
    std::vector<rtattr *> tb;
    ParseAttrs(reinterpret_cast<rtattr *>(reinterpret_cast<char *>(nd) + NLMSG_ALIGN(sizeof(ndmsg))),
               h->nlmsg_len - NLMSG_LENGTH(sizeof(ndmsg)), tb, NDA_MAX);
    if (!tb[NDA_LLADDR]) return;
    Napi::Object e = Napi::Object::New(env);
    e.Set("ifindex", nd->ndm_ifindex);
    e.Set("mac", FormatMac(static_cast<unsigned char *>(RTA_DATA(tb[NDA_LLADDR])), RTA_PAYLOAD(tb[NDA_LLADDR])));
    if (tb[NDA_DST]) {
      int f = RTA_PAYLOAD(tb[NDA_DST]) == 4 ? AF_INET : AF_INET6;
      e.Set(fdb ? "dst" : "ip", FormatIp(f, RTA_DATA(tb[NDA_DST])));
    }
    e.Set("permanent", (nd->ndm_state & NUD_PERMANENT) != 0);
    e.Set("self", (nd->ndm_flags & NTF_SELF) != 0);
    e.Set("master", (nd->ndm_flags & NTF_MASTER) != 0);
    out.Set(n++, e);
  });
  if (r < 0) ThrowNl(env, fdb ? "list fdb entries" : "list neighbours", r, "");
  return out;
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("nlNeighList", Napi::Function::New(env, NeighList));
  exports.Set("nlAddr", Napi::Function::New(env, Addr));
  exports.Set("nlAddrList", Napi::Function::New(env, AddrList));
  exports.Set("nlRoute", Napi::Function::New(env, Route));
  exports.Set("nlRouteList", Napi::Function::New(env, RouteList));
  exports.Set("nlNeigh", Napi::Function::New(env, Neigh));
}
BERTH_REGISTER(Register);

}  // namespace
}  // namespace berth
