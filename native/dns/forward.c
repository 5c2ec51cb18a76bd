/* Queries for names berth does not hold go to the upstreams in order (the
 * asking container's own, from Compose `dns`, else the global ones), over
 * the transport the client used; the first reply is relayed as is (its id is
 * the client's: the query is sent unchanged). Each attempt has its own socket
 * (a connected UDP socket only accepts the upstream's datagrams, from a fresh
 * random port) and UPSTREAM_TIMEOUT_MS; when every upstream has failed the
 * client gets SERVFAIL. Nothing here blocks: local answers go on meanwhile. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "dns/answer.h"
#include "dns/server.h"

static uint8_t rbuf[DNS_MSG_MAX + 1];
static int starting;   /* inside forward_start: a TCP client is not resumed from there */

static void pending_free(struct pending *p) {
  if (p->w.fd >= 0) close(p->w.fd);
  free(p->query);
  free(p->buf);
  free(p->ups);
  memset(p, 0, sizeof *p);
  p->w.fd = -1;
  S.npend--;
}

/* Sends the reply to the client and ends the query. */
static void finish(struct pending *p, const uint8_t *msg, size_t len) {
  struct conn *c = p->conn;
  if (c) c->pending = -1;          /* detached first: should the send close c, p is not cancelled twice */
  if (len) {
    if (c) conn_send(c, msg, len);
    else reply_udp(&p->gw, &p->client, p->clientlen, msg, len);
  }
  pending_free(p);
  if (c && c->used && !starting) conn_resume(c);
}

static void servfail(struct pending *p) {
  uint8_t out[DNS_MSG_MAX];
  size_t n = answer_servfail(p->query, p->qlen, out, sizeof out);
  finish(p, out, n);
}

/* Starts the attempt at upstream p->up, or the next that can be tried. */
static void attempt(struct pending *p) {
  for (; p->up < p->nups; p->up++) {
    const struct upstream *u = &p->ups[p->up];
    if (p->w.fd >= 0) { close(p->w.fd); p->w.fd = -1; }
    int fd = socket(u->ss.ss_family, (p->tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    p->w.fd = fd;
    p->deadline = now_ms() + UPSTREAM_TIMEOUT_MS;
    p->got = p->sent = 0;
    int r = connect(fd, (const struct sockaddr *)&u->ss, u->len);
    if (p->tcp) {
      if (r < 0 && errno != EINPROGRESS) continue;
      p->connecting = 1;
      if (ep_add(&p->w, EPOLLOUT) < 0) continue;
      return;
    }
    if (r < 0 || send(fd, p->query, p->qlen, 0) != (ssize_t)p->qlen) continue;
    if (ep_add(&p->w, EPOLLIN) < 0) continue;
    return;
  }
  servfail(p);
}

static void next_upstream(struct pending *p) {
  p->up++;
  attempt(p);
}

int forward_start(const uint8_t *query, size_t len, int tcp, const struct addr *gw,
                  const struct sockaddr_storage *client, socklen_t clientlen, struct conn *conn,
                  const struct entry *asker) {
  struct pending *p = NULL;
  for (size_t i = 0; i < PENDING_MAX && !p; i++)
    if (!S.pend[i].used) p = &S.pend[i];
  if (!p) return -1;
  const struct upstream *src = asker && asker->nups ? asker->ups : S.cfg.ups;
  size_t nups = asker && asker->nups ? asker->nups : S.cfg.nups;
  uint8_t *q = malloc(len);
  uint8_t *buf = tcp ? malloc(2 + DNS_MSG_MAX) : NULL;
  struct upstream *ups = nups ? malloc(nups * sizeof *ups) : NULL;
  if (!q || (tcp && !buf) || (nups && !ups)) { free(q); free(buf); free(ups); return -1; }
  memcpy(q, query, len);
  if (nups) memcpy(ups, src, nups * sizeof *ups);
  *p = (struct pending){.w = {W_FWD, -1}, .used = 1, .tcp = tcp, .ups = ups, .nups = nups, .query = q, .qlen = len, .gw = *gw, .conn = conn, .buf = buf, .born = S.batch};
  if (client) {
    memcpy(&p->client, client, clientlen);
    p->clientlen = clientlen;
  }
  S.npend++;
  int slot = (int)(p - S.pend);
  if (conn) conn->pending = slot;
  starting = 1;
  attempt(p);
  starting = 0;
  if (S.pend[slot].used) return slot;
  if (conn) conn->pending = -1;    /* answered at once (no upstream could be tried) */
  return -2;
}

void forward_cancel(int slot) {
  struct pending *p = &S.pend[slot];
  if (p->used) pending_free(p);
}

static void on_tcp(struct pending *p, uint32_t events) {
  if (p->connecting) {
    int err = 0;
    socklen_t el = sizeof err;
    if (getsockopt(p->w.fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err) { next_upstream(p); return; }
    p->connecting = 0;
    p->buf[0] = (uint8_t)(p->qlen >> 8);
    p->buf[1] = (uint8_t)p->qlen;
    memcpy(p->buf + 2, p->query, p->qlen);
  }
  if (p->sent < 2 + p->qlen) {
    ssize_t n = write(p->w.fd, p->buf + p->sent, 2 + p->qlen - p->sent);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) { next_upstream(p); return; }
    p->sent += (size_t)n;
    if (p->sent == 2 + p->qlen) ep_mod(&p->w, EPOLLIN);
    return;
  }
  if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR))) return;
  ssize_t n = read(p->w.fd, p->buf + p->got, 2 + DNS_MSG_MAX - p->got);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) { next_upstream(p); return; }
  p->got += (size_t)n;
  if (p->got < 2) return;
  size_t len = (size_t)p->buf[0] << 8 | p->buf[1];
  if (p->got < 2 + len) return;
  memmove(rbuf, p->buf + 2, len);
  finish(p, rbuf, len);
}

void on_forward(struct pending *p, uint32_t events) {
  if (p->tcp) { on_tcp(p, events); return; }
  ssize_t n = recv(p->w.fd, rbuf, sizeof rbuf, 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n < 0) { next_upstream(p); return; }      /* ECONNREFUSED: nobody there */
  if (n < 12) return;                           /* not a DNS message: keep waiting */
  finish(p, rbuf, (size_t)n);
}

void forwards_expire(uint64_t now, uint64_t *next) {
  if (!S.npend) return;
  for (size_t i = 0; i < PENDING_MAX; i++) {
    struct pending *p = &S.pend[i];
    if (!p->used) continue;
    if (p->deadline <= now) next_upstream(p);
    if (p->used && p->deadline < *next) *next = p->deadline;
  }
}

void forwards_close_all(void) {
  for (size_t i = 0; i < PENDING_MAX; i++)
    if (S.pend[i].used) pending_free(&S.pend[i]);
}
