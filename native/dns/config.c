/* The responder's records: <dns-dir>/config.txt, a line format written by
 * berth (src/network/dns/manager.ts) next to config.json, so that this side
 * needs no JSON parser. One record per line, space-separated tokens:
 *
 *   berth-dns-config 1
 *   generation G
 *   upstream IP PORT              (in order)
 *   network ID INTERNAL(0|1)      (then its gateways and entries)
 *   gateway IP
 *   entry CONTAINER-ID IPV4|- IPV6|-
 *   name NAME                     (of the last entry)
 *   link ALIAS TARGET             (of the last entry)
 *   forward IP PORT               (of the last entry: its own upstreams, in order)
 *   end
 *
 * Anything else is an error and the previous records stay in force. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "dns/dns.h"

#define CONFIG_MAX (64u << 20)
#define TOKENS_MAX 5

int addr_parse(const char *text, struct addr *a) {
  memset(a, 0, sizeof *a);
  if (inet_pton(AF_INET, text, a->b) == 1) { a->family = AF_INET; return 0; }
  if (inet_pton(AF_INET6, text, a->b) == 1) { a->family = AF_INET6; return 0; }
  return -1;
}

int addr_eq(const struct addr *a, const struct addr *b) {
  if (!a->family || a->family != b->family) return 0;
  return memcmp(a->b, b->b, a->family == AF_INET ? 4 : 16) == 0;
}

void addr_format(const struct addr *a, char *out, size_t outlen) {
  if (!a->family || !inet_ntop(a->family, a->b, out, (socklen_t)outlen)) snprintf(out, outlen, "?");
}

void addr_from_sockaddr(const struct sockaddr *sa, struct addr *a) {
  memset(a, 0, sizeof *a);
  if (sa->sa_family == AF_INET) {
    a->family = AF_INET;
    memcpy(a->b, &((const struct sockaddr_in *)sa)->sin_addr, 4);
  } else if (sa->sa_family == AF_INET6) {
    const struct in6_addr *in6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(in6)) {
      a->family = AF_INET;
      memcpy(a->b, in6->s6_addr + 12, 4);
    } else {
      a->family = AF_INET6;
      memcpy(a->b, in6, 16);
    }
  }
}

/* Appends one zeroed element to *arr (n elements of size sz); capacity
 * doubles at powers of two. Returns the new element or NULL. */
static void *push(void *arr, size_t *n, size_t sz) {
  void **p = arr;
  size_t cnt = *n;
  if (cnt == 0 || (cnt & (cnt - 1)) == 0) {
    size_t cap = cnt ? cnt * 2 : 4;
    void *m = realloc(*p, cap * sz);
    if (!m) return NULL;
    *p = m;
  }
  char *el = (char *)*p + cnt * sz;
  memset(el, 0, sz);
  (*n)++;
  return el;
}

void config_free(struct config *cfg) {
  for (size_t i = 0; i < cfg->nnets; i++) {
    struct network *n = &cfg->nets[i];
    for (size_t j = 0; j < n->nentries; j++) {
      struct entry *e = &n->entries[j];
      for (size_t k = 0; k < e->nnames; k++) free(e->names[k]);
      for (size_t k = 0; k < e->nlinks; k++) { free(e->links[k].alias); free(e->links[k].target); }
      free(e->names);
      free(e->links);
      free(e->ups);
      free(e->cid);
    }
    free(n->entries);
    free(n->gws);
    free(n->id);
  }
  free(cfg->nets);
  free(cfg->ups);
  memset(cfg, 0, sizeof *cfg);
}

/* A name as the responder compares it: lower-case, no trailing dot, at most
 * 253 characters of printable ASCII in labels of 1..63. NULL if unusable. */
static char *norm_name(const char *s) {
  size_t len = strlen(s);
  if (len && s[len - 1] == '.') len--;
  if (len == 0 || len > 253) return NULL;
  size_t label = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c <= 0x20 || c >= 0x7f) return NULL;
    if (c == '.') {
      if (label == 0) return NULL;
      label = 0;
    } else if (++label > 63) {
      return NULL;
    }
  }
  if (label == 0) return NULL;
  char *out = strndup(s, len);
  if (out) for (char *p = out; *p; p++) *p = (char)tolower((unsigned char)*p);
  return out;
}

static int read_all(const char *path, char **out, size_t *outlen) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t cap = 8192, len = 0;
  char *buf = malloc(cap + 1);
  if (!buf) { close(fd); errno = ENOMEM; return -1; }
  for (;;) {
    if (len == cap) {
      if (cap >= CONFIG_MAX) { free(buf); close(fd); errno = EFBIG; return -1; }
      cap *= 2;
      char *m = realloc(buf, cap + 1);
      if (!m) { free(buf); close(fd); errno = ENOMEM; return -1; }
      buf = m;
    }
    ssize_t r = read(fd, buf + len, cap - len);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) { int e = errno; free(buf); close(fd); errno = e; return -1; }
    if (r == 0) break;
    len += (size_t)r;
  }
  close(fd);
  buf[len] = 0;
  *out = buf;
  *outlen = len;
  return 0;
}

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); goto fail; } while (0)

int config_load(const char *path, struct config *out, char *err, size_t errlen) {
  char *text;
  size_t len;
  if (read_all(path, &text, &len) < 0) {
    if (errno == ENOENT) return -1;
    snprintf(err, errlen, "read %s: %s", path, strerror(errno));
    return -1;
  }
  struct config cfg = {0};
  struct network *net = NULL;
  struct entry *ent = NULL;
  int header = 0, ended = 0;
  size_t lineno = 0;
  char *save = NULL;
  if (memchr(text, 0, len)) { snprintf(err, errlen, "%s: NUL byte", path); free(text); return -1; }
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    lineno++;
    char *tok[TOKENS_MAX + 1] = {0}, *ts = NULL;
    int nt = 0;
    for (char *t = strtok_r(line, " \t\r", &ts); t; t = strtok_r(NULL, " \t\r", &ts)) {
      if (nt == TOKENS_MAX) FAIL("%s:%zu: too many fields", path, lineno);
      tok[nt++] = t;
    }
    if (nt == 0) continue;
    if (ended) FAIL("%s:%zu: text after 'end'", path, lineno);
    const char *k = tok[0];
    if (!header) {
      if (strcmp(k, "berth-dns-config") || nt != 2 || strcmp(tok[1], "1")) FAIL("%s:%zu: not a berth-dns-config 1 file", path, lineno);
      header = 1;
    } else if (!strcmp(k, "generation") && nt == 2) {
      char *end;
      errno = 0;
      cfg.generation = strtoull(tok[1], &end, 10);
      if (errno || *end || !isdigit((unsigned char)tok[1][0])) FAIL("%s:%zu: bad generation", path, lineno);
    } else if ((!strcmp(k, "upstream") || !strcmp(k, "forward")) && nt == 3) {
      struct addr a;
      char *end;
      long port = strtol(tok[2], &end, 10);
      if (addr_parse(tok[1], &a) < 0 || *end || port < 1 || port > 65535) {
        dlog("config: skipping %s '%s %s' (want an IP address and a port)", k, tok[1], tok[2]);
        continue;
      }
      int own = k[0] == 'f';
      if (own && !ent) FAIL("%s:%zu: forward before any entry", path, lineno);
      struct upstream *u = own ? push(&ent->ups, &ent->nups, sizeof *u) : push(&cfg.ups, &cfg.nups, sizeof *u);
      if (!u) FAIL("out of memory");
      struct sockaddr_storage *ss = &u->ss;
      socklen_t *sl = &u->len;
      if (a.family == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *)ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)port);
        memcpy(&sin->sin_addr, a.b, 4);
        *sl = sizeof *sin;
      } else {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)port);
        memcpy(&sin6->sin6_addr, a.b, 16);
        *sl = sizeof *sin6;
      }
    } else if (!strcmp(k, "network") && nt == 3) {
      if (strcmp(tok[2], "0") && strcmp(tok[2], "1")) FAIL("%s:%zu: bad internal flag", path, lineno);
      if (!(net = push(&cfg.nets, &cfg.nnets, sizeof *net)) || !(net->id = strdup(tok[1]))) FAIL("out of memory");
      net->internal = tok[2][0] == '1';
      ent = NULL;
    } else if (!strcmp(k, "gateway") && nt == 2) {
      if (!net) FAIL("%s:%zu: gateway before any network", path, lineno);
      struct addr *g = push(&net->gws, &net->ngws, sizeof *g);
      if (!g) FAIL("out of memory");
      if (addr_parse(tok[1], g) < 0) FAIL("%s:%zu: bad gateway address '%s'", path, lineno, tok[1]);
    } else if (!strcmp(k, "entry") && nt == 4) {
      if (!net) FAIL("%s:%zu: entry before any network", path, lineno);
      if (!(ent = push(&net->entries, &net->nentries, sizeof *ent)) || !(ent->cid = strdup(tok[1]))) FAIL("out of memory");
      if (strcmp(tok[2], "-") && (addr_parse(tok[2], &ent->v4) < 0 || ent->v4.family != AF_INET)) FAIL("%s:%zu: bad IPv4 address '%s'", path, lineno, tok[2]);
      if (strcmp(tok[3], "-") && (addr_parse(tok[3], &ent->v6) < 0 || ent->v6.family != AF_INET6)) FAIL("%s:%zu: bad IPv6 address '%s'", path, lineno, tok[3]);
    } else if (!strcmp(k, "name") && nt == 2) {
      if (!ent) FAIL("%s:%zu: name before any entry", path, lineno);
      char *n = norm_name(tok[1]);
      if (!n) continue;  /* cannot be asked for on the wire */
      char **slot = push(&ent->names, &ent->nnames, sizeof *slot);
      if (!slot) { free(n); FAIL("out of memory"); }
      *slot = n;
    } else if (!strcmp(k, "link") && nt == 3) {
      if (!ent) FAIL("%s:%zu: link before any entry", path, lineno);
      char *alias = norm_name(tok[1]), *target = norm_name(tok[2]);
      struct link *l = alias && target ? push(&ent->links, &ent->nlinks, sizeof *l) : NULL;
      if (!l) { free(alias); free(target); continue; }
      l->alias = alias;
      l->target = target;
    } else if (!strcmp(k, "end") && nt == 1) {
      ended = 1;
    } else {
      FAIL("%s:%zu: unknown record '%s'", path, lineno, k);
    }
  }
  if (!ended) { snprintf(err, errlen, "%s: incomplete (no 'end' line)", path); goto fail; }
  free(text);
  *out = cfg;
  return 0;
fail:
  free(text);
  config_free(&cfg);
  errno = EINVAL;
  return -1;
}
