/* Listening on the gateways (UDP and TCP per address) and serving clients. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "dns/answer.h"
#include "dns/server.h"

static uint8_t msgbuf[DNS_MSG_MAX + 1];
static uint8_t outbuf[DNS_MSG_MAX];

static socklen_t sockaddr_of(const struct addr *a, int port, struct sockaddr_storage *ss) {
  memset(ss, 0, sizeof *ss);
  if (a->family == AF_INET) {
    struct sockaddr_in *s = (struct sockaddr_in *)ss;
    s->sin_family = AF_INET;
    s->sin_port = htons((uint16_t)port);
    memcpy(&s->sin_addr, a->b, 4);
    return sizeof *s;
  }
  struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;
  s->sin6_family = AF_INET6;
  s->sin6_port = htons((uint16_t)port);
  memcpy(&s->sin6_addr, a->b, 16);
  return sizeof *s;
}

static int bind_socket(const struct addr *gw, int type) {
  int fd = socket(gw->family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  if (gw->family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (type == SOCK_STREAM) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_storage ss;
  socklen_t sl = sockaddr_of(gw, S.port, &ss);
  if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || (type == SOCK_STREAM && listen(fd, 128) < 0)) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

static void listener_close(struct listener *l) {
  close(l->udp.fd);   /* closing drops it from the epoll set */
  close(l->tcp.fd);
  free(l);
}

static struct listener *listener_open(const struct addr *gw) {
  char text[INET6_ADDRSTRLEN];
  addr_format(gw, text, sizeof text);
  struct listener *l = calloc(1, sizeof *l);
  if (!l) return NULL;
  l->gw = *gw;
  l->udp = (struct watch){W_UDP, bind_socket(gw, SOCK_DGRAM)};
  l->tcp = (struct watch){W_TCP_LISTEN, -1};
  if (l->udp.fd < 0) {
    dlog("cannot listen on %s port %d (udp): %s", text, S.port, strerror(errno));
    free(l);
    return NULL;
  }
  l->tcp.fd = bind_socket(gw, SOCK_STREAM);
  if (l->tcp.fd < 0) {
    dlog("cannot listen on %s port %d (tcp): %s", text, S.port, strerror(errno));
    close(l->udp.fd);
    free(l);
    return NULL;
  }
  if (ep_add(&l->udp, EPOLLIN) < 0 || ep_add(&l->tcp, EPOLLIN) < 0) {
    dlog("epoll %s: %s", text, strerror(errno));
    listener_close(l);
    return NULL;
  }
  return l;
}

static int wanted(const struct addr *gw) {
  for (size_t i = 0; i < S.cfg.nnets; i++)
    for (size_t j = 0; j < S.cfg.nets[i].ngws; j++)
      if (addr_eq(&S.cfg.nets[i].gws[j], gw)) return 1;
  return 0;
}

static struct listener *listener_find(const struct addr *gw) {
  for (size_t i = 0; i < S.nls; i++)
    if (addr_eq(&S.ls[i]->gw, gw)) return S.ls[i];
  return NULL;
}

/* Binds the gateways of the config that are not yet, closes the others. A
 * gateway that cannot be bound is logged and tried again on the next load. */
void listeners_sync(void) {
  size_t kept = 0;
  for (size_t i = 0; i < S.nls; i++) {
    if (wanted(&S.ls[i]->gw)) S.ls[kept++] = S.ls[i];
    else listener_close(S.ls[i]);
  }
  S.nls = kept;
  for (size_t i = 0; i < S.cfg.nnets; i++)
    for (size_t j = 0; j < S.cfg.nets[i].ngws; j++) {
      const struct addr *gw = &S.cfg.nets[i].gws[j];
      if (listener_find(gw)) continue;
      struct listener **m = realloc(S.ls, (S.nls + 1) * sizeof *m);
      if (!m) continue;
      S.ls = m;
      struct listener *l = listener_open(gw);
      if (l) S.ls[S.nls++] = l;
    }
}

void listeners_close_all(void) {
  for (size_t i = 0; i < S.nls; i++) listener_close(S.ls[i]);
  S.nls = 0;
}

void reply_udp(const struct addr *gw, const struct sockaddr_storage *to, socklen_t tolen, const uint8_t *msg, size_t len) {
  struct listener *l = listener_find(gw);
  if (l) sendto(l->udp.fd, msg, len, MSG_DONTWAIT, (const struct sockaddr *)to, tolen);
}

void on_udp(struct listener *l) {
  for (int i = 0; i < 64; i++) {               /* a bounded batch, then the other sockets get a turn */
    struct sockaddr_storage from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(l->udp.fd, msgbuf, sizeof msgbuf, 0, (struct sockaddr *)&from, &fl);
    if (n < 0) return;                         /* EAGAIN, or an ICMP error for an earlier reply */
    if ((size_t)n > DNS_MSG_MAX) continue;
    struct addr src;
    addr_from_sockaddr((struct sockaddr *)&from, &src);
    const struct entry *asker = NULL;
    long r = answer_local(&l->gw, &src, msgbuf, (size_t)n, outbuf, sizeof outbuf, &asker);
    if (r > 0) sendto(l->udp.fd, outbuf, (size_t)r, MSG_DONTWAIT, (struct sockaddr *)&from, fl);
    else if (r < 0 && forward_start(msgbuf, (size_t)n, 0, &l->gw, &from, fl, NULL, asker) < 0) {
      /* the pending table is full: dropped, the client retries */
    }
  }
}

void on_accept(struct listener *l) {
  for (;;) {
    struct sockaddr_storage from;
    socklen_t fl = sizeof from;
    int fd = accept4(l->tcp.fd, (struct sockaddr *)&from, &fl, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    struct conn *c = NULL;
    for (size_t i = 0; i < CONNS_MAX && !c; i++)
      if (!S.conns[i].used) c = &S.conns[i];
    uint8_t *in = c ? malloc(2 + DNS_MSG_MAX) : NULL;
    if (!in) { close(fd); continue; }
    memset(c, 0, sizeof *c);
    *c = (struct conn){.w = {W_CONN, fd}, .used = 1, .gw = l->gw, .in = in, .pending = -1, .deadline = now_ms() + CONN_IDLE_MS, .born = S.batch};
    addr_from_sockaddr((struct sockaddr *)&from, &c->peer);
    if (ep_add(&c->w, EPOLLIN) < 0) conn_close(c);
  }
}

void conn_close(struct conn *c) {
  if (!c->used) return;
  if (c->pending >= 0) forward_cancel(c->pending);
  close(c->w.fd);
  free(c->in);
  free(c->out);
  memset(c, 0, sizeof *c);
  c->pending = -1;
}

/* What to wait for: reading while no forwarded query is outstanding (its
 * successors wait in the kernel's buffer), writing while output is queued. */
static void conn_interest(struct conn *c) {
  if (!c->used) return;
  if (c->eof && c->pending < 0 && c->outlen == 0) { conn_close(c); return; }
  ep_mod(&c->w, (c->pending < 0 && !c->eof ? EPOLLIN : 0) | (c->outlen ? EPOLLOUT : 0));
}

static void conn_flush(struct conn *c) {
  while (c->outoff < c->outlen) {
    ssize_t n = write(c->w.fd, c->out + c->outoff, c->outlen - c->outoff);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n <= 0) { conn_close(c); return; }
    c->outoff += (size_t)n;
  }
  if (c->outoff == c->outlen) c->outoff = c->outlen = 0;
}

void conn_send(struct conn *c, const uint8_t *msg, size_t len) {
  if (!c->used) return;
  if (c->outlen + 2 + len > CONN_OUT_MAX) { conn_close(c); return; }   /* a client that does not read */
  uint8_t *m = realloc(c->out, c->outlen + 2 + len);
  if (!m) { conn_close(c); return; }
  c->out = m;
  m[c->outlen] = (uint8_t)(len >> 8);
  m[c->outlen + 1] = (uint8_t)len;
  memcpy(m + c->outlen + 2, msg, len);
  c->outlen += 2 + len;
  conn_flush(c);
}

/* Answers the complete messages buffered from the client, one at a time: a
 * forwarded one holds the rest until its reply is sent (see forward.c). */
static void conn_process(struct conn *c) {
  while (c->used && c->pending < 0 && c->inlen >= 2) {
    size_t len = (size_t)c->in[0] << 8 | c->in[1];
    if (c->inlen < 2 + len) break;
    memcpy(msgbuf, c->in + 2, len);
    memmove(c->in, c->in + 2 + len, c->inlen - 2 - len);
    c->inlen -= 2 + len;
    const struct entry *asker = NULL;
    long r = answer_local(&c->gw, &c->peer, msgbuf, len, outbuf, sizeof outbuf, &asker);
    if (r > 0) conn_send(c, outbuf, (size_t)r);
    else if (r < 0) {
      if (forward_start(msgbuf, len, 1, &c->gw, NULL, 0, c, asker) == -1) {   /* the table is full */
        size_t n = answer_servfail(msgbuf, len, outbuf, sizeof outbuf);
        if (n) conn_send(c, outbuf, n);
      }
    }
  }
  conn_interest(c);
}

/* A forwarded query of c has been answered (or given up): on to the next. */
void conn_resume(struct conn *c) {
  c->pending = -1;
  conn_process(c);
}

void on_conn(struct conn *c, uint32_t events) {
  c->deadline = now_ms() + CONN_IDLE_MS;
  if (events & EPOLLERR) { conn_close(c); return; }
  if (events & EPOLLOUT) conn_flush(c);
  if (c->used && (events & EPOLLIN) && c->pending < 0 && !c->eof) {
    ssize_t n = read(c->w.fd, c->in + c->inlen, 2 + DNS_MSG_MAX - c->inlen);
    if (n > 0) c->inlen += (size_t)n;
    else if (n == 0 || (errno != EAGAIN && errno != EINTR)) c->eof = 1;   /* answers still owed are sent */
    conn_process(c);
    return;
  }
  if (c->used && (events & EPOLLHUP) && !(events & EPOLLIN)) { conn_close(c); return; }
  conn_interest(c);
}

void conns_expire(uint64_t now, uint64_t *next) {
  for (size_t i = 0; i < CONNS_MAX; i++) {
    struct conn *c = &S.conns[i];
    if (!c->used) continue;
    if (c->deadline <= now) conn_close(c);
    else if (c->deadline < *next) *next = c->deadline;
  }
}
