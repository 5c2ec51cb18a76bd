#ifndef BERTH_DNS_ANSWER_H
#define BERTH_DNS_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"

/* The reply to a query received on gateway gw from src: its length in out,
 * 0 to drop the query (malformed, no network), -1 to forward it upstream
 * (*asker: the endpoint that asked, whose own upstreams come first). */
long answer_local(const struct addr *gw, const struct addr *src, const uint8_t *msg, size_t len, uint8_t *out, size_t cap,
                  const struct entry **asker);
/* A SERVFAIL reply to msg (0 if msg does not parse). */
size_t answer_servfail(const uint8_t *msg, size_t len, uint8_t *out, size_t cap);

#endif
