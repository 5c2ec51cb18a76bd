/* Checks common/sha256 against a reference: reads stdin, hashes it fed in
 * pieces of the given size (argv[1], default: all at once), prints the hex
 * digest. The runtime tests compare its output with node:crypto's. */
#include <stdio.h>
#include <stdlib.h>

#include "common/sha256.h"
#include "common/util.h"

int main(int argc, char **argv) {
  char *data = NULL;
  size_t len = 0;
  struct berr err;
  if (read_fd(0, "stdin", &data, &len, &err) < 0) { fprintf(stderr, "%s\n", err.msg); return 1; }
  size_t piece = argc > 1 ? strtoul(argv[1], NULL, 10) : len;
  if (!piece) piece = 1;
  struct sha256 s;
  sha256_init(&s);
  for (size_t off = 0; off < len; off += piece) sha256_update(&s, data + off, len - off < piece ? len - off : piece);
  uint8_t d[SHA256_LEN];
  char hex[2 * SHA256_LEN + 1];
  sha256_final(&s, d);
  sha256_hex(d, hex);
  printf("%s\n", hex);
  free(data);
  return 0;
}
