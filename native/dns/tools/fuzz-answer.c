/* A random and mutation fuzzer for the responder's untrusted path (parse,
 * resolve, reply), to run under the sanitizers (no clang/libFuzzer needed):
 *   gcc -std=gnu11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
 *     -D_GNU_SOURCE -I native -o /tmp/fuzz-answer native/dns/tools/fuzz-answer.c \
 *     native/dns/answer.c native/dns/packet.c native/dns/resolve.c native/dns/config.c
 *   /tmp/fuzz-answer native/dns/tools/fuzz.conf 2000000
 * Every answer must fit its buffer and parse back as a reply to the query. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/answer.h"
#include "dns/packet.h"
#include "dns/server.h"

struct server S;
void dlog(const char *fmt, ...) { va_list ap; va_start(ap, fmt); vfprintf(stderr, fmt, ap); va_end(ap); fputc('\n', stderr); }
uint64_t now_ms(void) { return 0; }

static const uint8_t seeds[][40] = {
  {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'e', 'b', 0, 0, 1, 0, 1},
  {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'W', 'e', 'B', 0, 0, 28, 0, 1},
  {0x12, 0x34, 1, 0, 0, 2, 0, 0, 0, 0, 0, 1, 3, 'w', 'e', 'b', 0, 0, 1, 0, 1, 0xc0, 12, 0, 12, 0, 1, 0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0},
  {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, '2', 1, '0', 1, '5', 2, '1', '0', 7, 'i', 'n', '-', 'a', 'd', 'd', 'r', 4, 'a', 'r', 'p', 'a', 0, 0, 12, 0, 1},
};
static const size_t seedlen[] = {21, 21, 38, 39};

int main(int argc, char **argv) {
  char err[512];
  if (argc != 3 || config_load(argv[1], &S.cfg, err, sizeof err) < 0) { fprintf(stderr, "usage: fuzz-answer CONFIG N (%s)\n", err); return 2; }
  long n = atol(argv[2]);
  srandom((unsigned)time(NULL));
  struct addr gw, src;
  addr_parse("10.5.0.1", &gw);
  uint8_t msg[600], out[DNS_MSG_MAX];
  long answered = 0, forwarded = 0;
  for (long i = 0; i < n; i++) {
    size_t len;
    if (i % 4 == 0) {
      len = (size_t)(random() % 600);
      for (size_t k = 0; k < len; k++) msg[k] = (uint8_t)random();
    } else {
      size_t s = (size_t)random() % 4;
      len = seedlen[s];
      memcpy(msg, seeds[s], len);
      for (int k = 0, m = 1 + (int)(random() % 6); k < m; k++) msg[random() % len] = (uint8_t)random();
      if (random() % 3 == 0) len = (size_t)random() % (len + 1);
      if (random() % 5 == 0) { size_t extra = (size_t)random() % 100; for (size_t k = 0; k < extra; k++) msg[len + k] = (uint8_t)random(); len += extra; }
    }
    addr_parse(i % 3 == 0 ? "10.5.0.2" : i % 3 == 1 ? "10.5.0.9" : "10.5.0.77", &src);   /* the last is no endpoint */
    const struct entry *asker = NULL;
    long r = answer_local(&gw, &src, msg, len, out, sizeof out, &asker);
    if (r > 0) {
      struct query q;
      if ((size_t)r > sizeof out || out[0] != msg[0] || out[1] != msg[1] || !(out[2] & 0x80)) { fprintf(stderr, "bad reply at %ld\n", i); return 1; }
      if (dns_parse(msg, len, &q) < 0) { fprintf(stderr, "answered an unparsable query at %ld\n", i); return 1; }
      answered++;
    } else if (r < 0) {
      if (!asker) { fprintf(stderr, "forwarded for a non-endpoint at %ld\n", i); return 1; }
      forwarded++;
    }
  }
  printf("%ld packets: %ld answered, %ld forwarded, the rest dropped\n", n, answered, forwarded);
  config_free(&S.cfg);
  return 0;
}
