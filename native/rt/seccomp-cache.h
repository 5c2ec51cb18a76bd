/* A cache of generated seccomp BPF programs under the runtime's state root:
 * <root>/@seccomp/<sha256 key>.bpf, the raw program as seccomp_export_bpf
 * writes it. The key covers everything the program depends on, so an entry
 * never needs invalidating; every failure here means "no cache" and the
 * caller builds the program with libseccomp instead. */
#ifndef BERTH_RT_SECCOMP_CACHE_H
#define BERTH_RT_SECCOMP_CACHE_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/json.h"

struct bpf_cache {
  int dirfd;      /* <root>/@seccomp, or -1: no cache */
  char name[80];  /* <hex key>.bpf */
};

/* Opens (making it when missing) the cache directory of root and names the
 * entry of this linux.seccomp profile. Returns false when there is no usable
 * cache (c->dirfd is then -1). */
bool bpf_cache_open(const char *root, const struct json *profile, struct bpf_cache *c);
void bpf_cache_close(struct bpf_cache *c);
/* The cached program, when the entry exists and is trusted (malloc'd). */
bool bpf_cache_get(const struct bpf_cache *c, struct sock_filter **prog, unsigned short *len);
/* Stores what write_prog writes to the fd it is given (a temp file, renamed
 * over the entry when complete). False when it could not: a cache that
 * cannot be written is a cache miss next time, never a failed container. */
bool bpf_cache_put(const struct bpf_cache *c, int (*write_prog)(int fd, void *arg), void *arg);

#endif
