/* berth-dns: the DNS responder of one berth state root. Shared types.
 * Everything read from the network is untrusted: every parse is bounded by
 * explicit lengths (see packet.c); the config file is written by berth. */
#ifndef BERTH_DNS_H
#define BERTH_DNS_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define DNS_MSG_MAX 65535
#define DNS_NAME_MAX 255     /* wire form, RFC 1035 */
#define DNS_TTL 600

/* An address of either family, compared as bytes. */
struct addr {
  int family;              /* AF_INET or AF_INET6; 0 = none */
  uint8_t b[16];
};

struct link {
  char *alias, *target;
};

struct upstream {
  struct sockaddr_storage ss;
  socklen_t len;
};

struct entry {
  char *cid;
  struct addr v4, v6;
  char **names;            /* lower-case, no trailing dot */
  size_t nnames;
  struct link *links;
  size_t nlinks;
  struct upstream *ups;    /* the container's own servers (Compose `dns`): used instead of the global ones */
  size_t nups;
};

struct network {
  char *id;
  int internal;
  struct addr *gws;
  size_t ngws;
  struct entry *entries;
  size_t nentries;
};

struct config {
  unsigned long long generation;
  struct upstream *ups;
  size_t nups;
  struct network *nets;
  size_t nnets;
};

/* config.c */
/* Loads path into cfg. Returns 0, -1 with errno ENOENT when there is no
 * file, or -1 with a message in err (malformed). */
int config_load(const char *path, struct config *cfg, char *err, size_t errlen);
void config_free(struct config *cfg);
int addr_parse(const char *text, struct addr *a);
int addr_eq(const struct addr *a, const struct addr *b);
void addr_format(const struct addr *a, char *out, size_t outlen);
void addr_from_sockaddr(const struct sockaddr *sa, struct addr *a);

/* log.c-ish helper in main.c: one timestamped line to stderr. */
void dlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint64_t now_ms(void);

#endif
