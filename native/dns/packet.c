/* DNS wire format. A query comes from any container on a berth network, so
 * every read is bounded by the message length, names are limited to 255
 * bytes and compression pointers to 64 hops (a pointer loop ends there). */
#include <ctype.h>
#include <string.h>

#include "dns/packet.h"

#define HDR 12
#define MAX_HOPS 64

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

/* Reads the (possibly compressed) name at off; *next is the offset after it
 * in the message. The decompressed wire form goes to out (if not NULL). */
static int read_name(const uint8_t *msg, size_t len, size_t off, size_t *next, uint8_t *out, size_t *outlen) {
  size_t pos = off, wlen = 0, hops = 0;
  int jumped = 0;
  for (;;) {
    if (pos >= len) return -1;
    uint8_t c = msg[pos];
    if ((c & 0xC0) == 0xC0) {
      if (pos + 1 >= len || ++hops > MAX_HOPS) return -1;
      size_t ptr = (size_t)(c & 0x3F) << 8 | msg[pos + 1];
      if (!jumped) *next = pos + 2;
      jumped = 1;
      pos = ptr;
      continue;
    }
    if (c & 0xC0) return -1;                       /* 0x40, 0x80: reserved label types */
    if (c == 0) {
      if (wlen + 1 > DNS_NAME_MAX) return -1;
      if (out) out[wlen] = 0;
      wlen++;
      if (!jumped) *next = pos + 1;
      break;
    }
    if (pos + 1 + c > len || wlen + 1 + c + 1 > DNS_NAME_MAX) return -1;
    if (out) memcpy(out + wlen, msg + pos, 1 + (size_t)c);
    wlen += 1 + (size_t)c;
    pos += 1 + (size_t)c;
  }
  if (outlen) *outlen = wlen;
  return 0;
}

/* The dotted, lower-case text of a wire name; plain = 0 when a label holds a
 * dot or a byte outside printable ASCII (such a name never matches a record). */
static void name_text(const uint8_t *w, struct query *q) {
  size_t o = 0, i = 0;
  q->plain = 1;
  while (w[i]) {
    size_t n = w[i++];
    if (o) q->text[o++] = '.';
    for (size_t k = 0; k < n; k++, i++) {
      uint8_t c = w[i];
      if (c == '.' || c <= 0x20 || c >= 0x7f) q->plain = 0;
      q->text[o++] = (char)tolower(c);
    }
  }
  q->text[o] = 0;                                  /* o < 255: labels + dots fit the wire length */
}

int dns_parse(const uint8_t *msg, size_t len, struct query *q) {
  if (len < HDR || len > DNS_MSG_MAX) return -1;
  q->id = get16(msg);
  q->flags = get16(msg + 2);
  if (q->flags & 0x8000) return -1;                /* a response: never answered (no loops) */
  size_t qd = get16(msg + 4), rr = (size_t)get16(msg + 6) + get16(msg + 8) + get16(msg + 10);
  if (qd == 0) return -1;
  size_t pos = HDR;
  for (size_t i = 0; i < qd; i++) {
    size_t next;
    if (read_name(msg, len, pos, &next, i == 0 ? q->qname : NULL, i == 0 ? &q->qnamelen : NULL) < 0) return -1;
    if (next + 4 > len) return -1;
    if (i == 0) {
      q->qtype = get16(msg + next);
      q->qclass = get16(msg + next + 2);
    }
    pos = next + 4;
  }
  for (size_t i = 0; i < rr; i++) {                /* each record takes >= 11 bytes: huge counts fail fast */
    size_t next;
    if (read_name(msg, len, pos, &next, NULL, NULL) < 0 || next + 10 > len) return -1;
    size_t rdlen = get16(msg + next + 8);
    if (next + 10 + rdlen > len) return -1;
    pos = next + 10 + rdlen;
  }
  name_text(q->qname, q);
  return 0;
}

size_t dns_reply(const struct query *q, int rcode, uint8_t *out, size_t cap) {
  size_t len = HDR + q->qnamelen + 4;
  if (cap < len) return 0;
  put16(out, q->id);
  /* QR, the query's opcode, AA, RD echoed, RA, rcode. */
  put16(out + 2, (uint16_t)(0x8000 | (q->flags & 0x7800) | 0x0400 | (q->flags & 0x0100) | 0x0080 | (rcode & 0xF)));
  put16(out + 4, 1);
  put16(out + 6, 0);
  put16(out + 8, 0);
  put16(out + 10, 0);
  memcpy(out + HDR, q->qname, q->qnamelen);
  put16(out + HDR + q->qnamelen, q->qtype);
  put16(out + HDR + q->qnamelen + 2, q->qclass);
  return len;
}

int dns_add_answer(uint8_t *out, size_t cap, size_t *len, uint16_t type, const uint8_t *rdata, size_t rdlen) {
  size_t need = 2 + 10 + rdlen;
  if (rdlen > 0xFFFF || *len + need > cap) return -1;
  uint8_t *p = out + *len;
  put16(p, 0xC000 | HDR);                          /* the question's name */
  put16(p + 2, type);
  put16(p + 4, 1);                                 /* IN */
  put16(p + 6, 0);
  put16(p + 8, DNS_TTL);
  put16(p + 10, (uint16_t)rdlen);
  memcpy(p + 12, rdata, rdlen);
  *len += need;
  put16(out + 6, (uint16_t)(get16(out + 6) + 1));
  return 0;
}

int dns_encode_name(const char *text, uint8_t *out, size_t cap) {
  size_t o = 0;
  const char *s = text;
  while (*s) {
    const char *dot = strchr(s, '.');
    size_t n = dot ? (size_t)(dot - s) : strlen(s);
    if (n == 0 || n > 63 || o + 1 + n + 1 > cap || o + 1 + n + 1 > DNS_NAME_MAX) return -1;
    out[o++] = (uint8_t)n;
    memcpy(out + o, s, n);
    o += n;
    s += n;
    if (*s == '.') s++;
  }
  if (o + 1 > cap) return -1;
  out[o++] = 0;
  return (int)o;
}
