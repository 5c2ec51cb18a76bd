/* SHA-256 (FIPS 180-4), incremental: init, update any number of times, final. */
#ifndef BERTH_SHA256_H
#define BERTH_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

struct sha256 {
  uint32_t h[8];
  uint64_t total;     /* bytes hashed so far */
  uint8_t block[64];  /* a partial block */
  size_t used;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN]);
/* out: 2 * SHA256_LEN hex digits and a NUL. */
void sha256_hex(const uint8_t digest[SHA256_LEN], char out[2 * SHA256_LEN + 1]);

#endif
