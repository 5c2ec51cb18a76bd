/* DNS wire format: parsing an untrusted query, building replies. */
#ifndef BERTH_DNS_PACKET_H
#define BERTH_DNS_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"

#define DNS_TYPE_A 1
#define DNS_TYPE_PTR 12
#define DNS_TYPE_AAAA 28
#define DNS_RCODE_SERVFAIL 2
#define DNS_RCODE_NXDOMAIN 3
#define DNS_RCODE_NOTIMP 4
#define DNS_RCODE_REFUSED 5

struct query {
  uint16_t id, flags;
  uint8_t qname[DNS_NAME_MAX];   /* wire form, decompressed, case as sent */
  size_t qnamelen;
  char text[DNS_NAME_MAX + 1];   /* dotted, lower-case, no trailing dot */
  int plain;                     /* text renders the labels unambiguously */
  uint16_t qtype, qclass;
};

/* Parses a query: header, the first question, and a bounds check of every
 * section. -1 means drop it (malformed, a response, no question). */
int dns_parse(const uint8_t *msg, size_t len, struct query *q);
/* Writes the reply header and the echoed question; returns its length (0 if
 * cap is too small). */
size_t dns_reply(const struct query *q, int rcode, uint8_t *out, size_t cap);
/* Appends an answer for the question name; -1 (reply unchanged) if full. */
int dns_add_answer(uint8_t *out, size_t cap, size_t *len, uint16_t type, const uint8_t *rdata, size_t rdlen);
/* Encodes a dotted name in wire form; returns its length or -1. */
int dns_encode_name(const char *text, uint8_t *out, size_t cap);

#endif
