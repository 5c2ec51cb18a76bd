/* Host port reservation (--reserve): the shim holds a listening TCP socket
 * (a bound UDP socket) on each published host port for as long as it runs,
 * as conmon does for podman, so that no other process can take the port while
 * the container is up. Traffic never reaches these sockets: the kernel's DNAT
 * (prerouting/output) rewrites the destination before the socket lookup. The
 * sockets are bound before the shim detaches, so a port taken by someone else
 * fails the start with the bind error on the report line. */
#include "shim/shim.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* "tcp:127.0.0.1:8080", "udp::::53" (the address may hold colons: the port is after the last one). */
int reserve_parse(struct reservation *r, const char *spec, struct berr *err) {
  memset(r, 0, sizeof *r);
  r->fd = -1;
  if (strncmp(spec, "tcp:", 4) == 0) r->udp = false;
  else if (strncmp(spec, "udp:", 4) == 0) r->udp = true;
  else return berr_set(err, 0, "--reserve %s: expected tcp:ADDRESS:PORT or udp:ADDRESS:PORT", spec);
  const char *addr = spec + 4, *colon = strrchr(addr, ':');
  if (!colon) return berr_set(err, 0, "--reserve %s: no port", spec);
  char *end;
  long port = strtol(colon + 1, &end, 10);
  if (*end || colon[1] == '\0' || port < 1 || port > 65535) return berr_set(err, 0, "--reserve %s: bad port", spec);
  size_t n = (size_t)(colon - addr);
  if (n >= sizeof r->addr) return berr_set(err, 0, "--reserve %s: bad address", spec);
  memcpy(r->addr, addr, n);
  r->addr[n] = '\0';
  if (!r->addr[0]) snprintf(r->addr, sizeof r->addr, "0.0.0.0");
  struct in_addr a4;
  struct in6_addr a6;
  if (inet_pton(AF_INET, r->addr, &a4) == 1) r->v6 = false;
  else if (inet_pton(AF_INET6, r->addr, &a6) == 1) r->v6 = true;
  else return berr_set(err, 0, "--reserve %s: bad address", spec);
  r->port = (int)port;
  return 0;
}

/* Binds (and for TCP listens on) one reservation. No SO_REUSEADDR: then no
 * other socket may bind the same address and port, with or without it. */
int reserve_bind(struct reservation *r, struct berr *err) {
  const char *net = r->udp ? (r->v6 ? "udp6" : "udp4") : (r->v6 ? "tcp6" : "tcp4");
  int fd = socket(r->v6 ? AF_INET6 : AF_INET, (r->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
  if (fd < 0) return berr_sys(err, "listen %s %s:%d: socket", net, r->addr, r->port);
  union { struct sockaddr sa; struct sockaddr_in in; struct sockaddr_in6 in6; } sa;
  socklen_t len;
  memset(&sa, 0, sizeof sa);
  if (r->v6) {
    int only = 1;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &only, sizeof only);  /* "::" reserves IPv6 only, as published */
    sa.in6.sin6_family = AF_INET6;
    sa.in6.sin6_port = htons((uint16_t)r->port);
    inet_pton(AF_INET6, r->addr, &sa.in6.sin6_addr);
    len = sizeof sa.in6;
  } else {
    sa.in.sin_family = AF_INET;
    sa.in.sin_port = htons((uint16_t)r->port);
    inet_pton(AF_INET, r->addr, &sa.in.sin_addr);
    len = sizeof sa.in;
  }
  const char *shown = r->v6 ? "[" : "";
  if (bind(fd, &sa.sa, len) < 0 || (!r->udp && listen(fd, 1) < 0)) {
    int e = errno;
    close(fd);
    /* Go's wording, which Docker's "bind: address already in use" errors carry. */
    berr_set(err, 0, "listen %s %s%s%s:%d: bind: %s", net, shown, r->addr, r->v6 ? "]" : "", r->port,
             e == EADDRINUSE ? "address already in use" : strerror(e));
    err->code = e;
    return -1;
  }
  r->fd = fd;
  return 0;
}
