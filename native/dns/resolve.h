/* What the responder answers for one question, scoped to the asker. */
#ifndef BERTH_DNS_RESOLVE_H
#define BERTH_DNS_RESOLVE_H

#include "dns/dns.h"
#include "dns/packet.h"

enum akind { ANS_ADDRS, ANS_PTR, ANS_FORWARD, ANS_NXDOMAIN, ANS_REFUSED };

struct answer {
  enum akind kind;
  const struct addr **addrs;   /* ANS_ADDRS: may be empty (the name exists, not this type) */
  size_t naddrs;
  const char *ptr;             /* ANS_PTR */
  const struct entry *asker;   /* the endpoint that asked (NULL: ANS_REFUSED) */
};

/* The network served on gateway gw, or NULL. */
const struct network *network_for(const struct config *cfg, const struct addr *gw);
/* Resolves q received on net from src. Returns -1 only when out of memory. */
int resolve(const struct config *cfg, const struct network *net, const struct addr *src, const struct query *q, struct answer *a);

#endif
