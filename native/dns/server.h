/* The responder's event loop state: one epoll set for the listeners, the TCP
 * clients, the forwarded queries, signals and the config directory. */
#ifndef BERTH_DNS_SERVER_H
#define BERTH_DNS_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dns/dns.h"

#define CONNS_MAX 256          /* TCP clients at once; more are refused */
#define PENDING_MAX 1024       /* forwarded queries at once; more are dropped (UDP clients retry) */
#define CONN_IDLE_MS 10000
#define UPSTREAM_TIMEOUT_MS 2000
#define CONN_OUT_MAX (1u << 20)

enum wkind { W_UDP, W_TCP_LISTEN, W_CONN, W_FWD, W_SIGNAL, W_INOTIFY };

/* First member of everything registered with epoll (its data.ptr). */
struct watch {
  enum wkind kind;
  int fd;
};

struct listener {
  struct addr gw;
  struct watch udp, tcp;
};

struct conn {
  struct watch w;
  int used;
  struct addr gw, peer;
  uint8_t *in;                 /* 2 + DNS_MSG_MAX bytes */
  size_t inlen;
  uint8_t *out;
  size_t outlen, outoff;
  int pending;                 /* a forwarded query of this client (slot), or -1 */
  int eof;                     /* the client has stopped sending */
  unsigned long born;          /* the event batch it was made in (see main.c) */
  uint64_t deadline;
};

struct pending {
  struct watch w;
  int used;
  int tcp;                     /* the client's transport, used upstream too */
  struct upstream *ups;        /* the servers to try, in order: a copy (a reload may free the config) */
  size_t nups;
  size_t up;                   /* index of the upstream being tried */
  uint64_t deadline;
  uint8_t *query;
  size_t qlen;
  struct addr gw;              /* where the client asked (UDP: the listener to answer from) */
  struct sockaddr_storage client;
  socklen_t clientlen;
  struct conn *conn;           /* TCP client */
  uint8_t *buf;                /* TCP upstream: query out, then reply in */
  size_t got, sent;
  int connecting;
  unsigned long born;
};

struct server {
  int ep;
  int port;
  const char *dir;
  struct config cfg;
  struct listener **ls;
  size_t nls;
  struct conn conns[CONNS_MAX];
  struct pending pend[PENDING_MAX];
  size_t npend;
  unsigned long counter;       /* round-robin over replicas */
  unsigned long batch;         /* epoll_wait calls so far */
};

extern struct server S;

/* net.c: listeners and clients */
void listeners_sync(void);
void listeners_close_all(void);
void on_udp(struct listener *l);
void on_accept(struct listener *l);
void on_conn(struct conn *c, uint32_t events);
void conn_close(struct conn *c);
void conn_send(struct conn *c, const uint8_t *msg, size_t len);
void conn_resume(struct conn *c);
void conns_expire(uint64_t now, uint64_t *next);
/* Delivers a reply to the client of a forwarded query. */
void reply_udp(const struct addr *gw, const struct sockaddr_storage *to, socklen_t tolen, const uint8_t *msg, size_t len);

/* forward.c: queries sent on to the upstreams. forward_start returns the
 * slot, -2 when already answered (SERVFAIL at once), -1 when the table is full. */
int forward_start(const uint8_t *query, size_t len, int tcp, const struct addr *gw,
                  const struct sockaddr_storage *client, socklen_t clientlen, struct conn *conn,
                  const struct entry *asker);
void on_forward(struct pending *p, uint32_t events);
void forward_cancel(int slot);
void forwards_expire(uint64_t now, uint64_t *next);
void forwards_close_all(void);

int ep_add(struct watch *w, uint32_t events);
int ep_mod(struct watch *w, uint32_t events);

#endif
