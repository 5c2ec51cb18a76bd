/* From a query to the bytes of a local answer, or the decision to forward. */
#include <string.h>

#include "dns/answer.h"
#include "dns/resolve.h"
#include "dns/server.h"

long answer_local(const struct addr *gw, const struct addr *src, const uint8_t *msg, size_t len, uint8_t *out, size_t cap,
                  const struct entry **asker) {
  struct query q;
  if (dns_parse(msg, len, &q) < 0) return 0;
  const struct network *net = network_for(&S.cfg, gw);
  if (!net) return 0;                              /* the gateway's network is gone */
  if (q.flags & 0x7800) return (long)dns_reply(&q, DNS_RCODE_NOTIMP, out, cap);  /* not a standard query */
  struct answer a;
  if (resolve(&S.cfg, net, src, &q, &a) < 0) return 0;
  size_t n;
  switch (a.kind) {
  case ANS_FORWARD:
    *asker = a.asker;
    return -1;
  case ANS_REFUSED:
    return (long)dns_reply(&q, DNS_RCODE_REFUSED, out, cap);
  case ANS_NXDOMAIN:
    return (long)dns_reply(&q, DNS_RCODE_NXDOMAIN, out, cap);
  case ANS_PTR: {
    uint8_t name[DNS_NAME_MAX];
    int nl = dns_encode_name(a.ptr, name, sizeof name);
    if (!(n = dns_reply(&q, 0, out, cap))) return 0;
    if (nl > 0) dns_add_answer(out, cap, &n, DNS_TYPE_PTR, name, (size_t)nl);
    return (long)n;
  }
  case ANS_ADDRS: {
    if (!(n = dns_reply(&q, 0, out, cap))) return 0;
    size_t k = a.naddrs ? S.counter % a.naddrs : 0;
    S.counter++;
    for (size_t i = 0; i < a.naddrs; i++) {
      const struct addr *ad = a.addrs[(k + i) % a.naddrs];
      uint16_t type = ad->family == AF_INET ? DNS_TYPE_A : DNS_TYPE_AAAA;
      if (dns_add_answer(out, cap, &n, type, ad->b, ad->family == AF_INET ? 4 : 16) < 0) break;
    }
    return (long)n;
  }
  }
  return 0;
}

size_t answer_servfail(const uint8_t *msg, size_t len, uint8_t *out, size_t cap) {
  struct query q;
  if (dns_parse(msg, len, &q) < 0) return 0;
  return dns_reply(&q, DNS_RCODE_SERVFAIL, out, cap);
}
