/* Resolution, as Docker's embedded DNS scopes it: the asker (found on the
 * receiving network by its source address) sees the records of every network
 * its container is on, the receiving one first, plus its own `links`
 * aliases. A name that exists without an address of the asked type is an
 * empty answer; an unknown name goes upstream (NXDOMAIN on internal).
 * Only the network's own endpoints are answered: any other source (the
 * host, a neighbour routed to the gateway, a container of another network)
 * gets REFUSED, so the responder is never an open resolver. */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "dns/resolve.h"

static const struct network **scope;
static size_t scope_cap;
static const struct addr **hits;
static size_t hits_cap;

static int reserve(void *arr, size_t *cap, size_t want) {
  if (want <= *cap) return 0;
  void *m = realloc(*(void **)arr, want * sizeof(void *));
  if (!m) return -1;
  *(void **)arr = m;
  *cap = want;
  return 0;
}

const struct network *network_for(const struct config *cfg, const struct addr *gw) {
  for (size_t i = 0; i < cfg->nnets; i++)
    for (size_t j = 0; j < cfg->nets[i].ngws; j++)
      if (addr_eq(&cfg->nets[i].gws[j], gw)) return &cfg->nets[i];
  return NULL;
}

static int has_container(const struct network *n, const char *cid) {
  for (size_t i = 0; i < n->nentries; i++)
    if (!strcmp(n->entries[i].cid, cid)) return 1;
  return 0;
}

static int has_name(const struct entry *e, const char *name) {
  for (size_t i = 0; i < e->nnames; i++)
    if (!strcmp(e->names[i], name)) return 1;
  return 0;
}

/* d.c.b.a.in-addr.arpa or 32 nibbles + ip6.arpa → the address; -1 otherwise. */
static int ptr_addr(const char *name, struct addr *a) {
  memset(a, 0, sizeof *a);
  size_t len = strlen(name);
  static const char v4s[] = ".in-addr.arpa", v6s[] = "ip6.arpa";
  if (len > sizeof v4s - 1 && !strcmp(name + len - (sizeof v4s - 1), v4s)) {
    const char *p = name;
    for (int i = 3; i >= 0; i--) {
      unsigned v = 0;
      size_t digits = 0;
      while (*p >= '0' && *p <= '9' && digits < 4) v = v * 10 + (unsigned)(*p++ - '0'), digits++;
      if (digits == 0 || digits > 3 || v > 255 || *p != '.') return -1;
      a->b[i] = (uint8_t)v;
      p++;
    }
    if (p != name + len - (sizeof v4s - 1) + 1) return -1;
    a->family = AF_INET;
    return 0;
  }
  if (len == 64 + sizeof v6s - 1 && !strcmp(name + 64, v6s)) {
    for (int i = 0; i < 32; i++) {
      char c = name[i * 2];
      int nib = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (nib < 0 || name[i * 2 + 1] != '.') return -1;
      int byte = 15 - i / 2;                      /* nibbles come least significant first */
      a->b[byte] |= (uint8_t)(i % 2 ? nib << 4 : nib);
    }
    a->family = AF_INET6;
    return 0;
  }
  return -1;
}

int resolve(const struct config *cfg, const struct network *net, const struct addr *src, const struct query *q, struct answer *a) {
  memset(a, 0, sizeof *a);
  const struct entry *asker = NULL;
  for (size_t i = 0; i < net->nentries && !asker; i++)
    if (addr_eq(&net->entries[i].v4, src) || addr_eq(&net->entries[i].v6, src)) asker = &net->entries[i];
  a->asker = asker;
  if (!asker) { a->kind = ANS_REFUSED; return 0; }
  if (reserve(&scope, &scope_cap, cfg->nnets + 1) < 0) return -1;
  size_t nscope = 0;
  scope[nscope++] = net;
  if (asker)
    for (size_t i = 0; i < cfg->nnets; i++)
      if (&cfg->nets[i] != net && has_container(&cfg->nets[i], asker->cid)) scope[nscope++] = &cfg->nets[i];
  a->kind = net->internal ? ANS_NXDOMAIN : ANS_FORWARD;
  if (!q->plain || !q->text[0]) return 0;

  if (q->qtype == DNS_TYPE_PTR) {
    struct addr ip;
    if (ptr_addr(q->text, &ip) < 0) return 0;
    for (size_t s = 0; s < nscope; s++)
      for (size_t i = 0; i < scope[s]->nentries; i++) {
        const struct entry *e = &scope[s]->entries[i];
        if (!addr_eq(&e->v4, &ip) && !addr_eq(&e->v6, &ip)) continue;
        if (e->nnames) {
          a->kind = ANS_PTR;
          a->ptr = e->names[0];
          return 0;
        }
        break;                                    /* the first holder of the address decides, per network */
      }
    return 0;
  }

  const char *wanted = q->text;
  if (asker)
    for (size_t i = 0; i < asker->nlinks; i++)
      if (!strcmp(asker->links[i].alias, wanted)) { wanted = asker->links[i].target; break; }
  for (size_t s = 0; s < nscope; s++) {
    const struct network *n = scope[s];
    size_t found = 0;
    if (reserve(&hits, &hits_cap, n->nentries + 1) < 0) return -1;
    a->naddrs = 0;
    for (size_t i = 0; i < n->nentries; i++) {
      const struct entry *e = &n->entries[i];
      if (!has_name(e, wanted)) continue;
      found++;
      const struct addr *ad = q->qtype == DNS_TYPE_A ? &e->v4 : q->qtype == DNS_TYPE_AAAA ? &e->v6 : NULL;
      if (ad && ad->family) hits[a->naddrs++] = ad;
    }
    if (found) {
      a->kind = ANS_ADDRS;
      a->addrs = hits;
      return 0;
    }
  }
  return 0;
}
