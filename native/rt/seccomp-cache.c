#include "rt/seccomp-cache.h"

#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/sha256.h"

#define CACHE_DIR "@seccomp" /* '@' is not allowed in container ids: no clash with <root>/<id> */
#define KEY_FORMAT "berth seccomp bpf cache 1"

struct build_ids {
  struct sha256 *h;
  int found_self;
};

/* Hashes the GNU build-id note of an ELF object, if it has one. */
static int hash_build_id(const struct dl_phdr_info *info, struct sha256 *h) {
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_NOTE) continue;
    const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr), *end = p + ph->p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)p;
      const char *name = p + sizeof *n;
      const char *desc = name + ((n->n_namesz + 3) & ~3u);
      if (desc + n->n_descsz > end) break;
      if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && !memcmp(name, "GNU", 4)) {
        sha256_update(h, &n->n_descsz, sizeof n->n_descsz);
        sha256_update(h, desc, n->n_descsz);
        return 1;
      }
      p = desc + ((n->n_descsz + 3) & ~3u);
    }
  }
  return 0;
}

static int add_build_ids(struct dl_phdr_info *info, size_t size, void *arg) {
  struct build_ids *b = arg;
  /* the first object is the executable: its translation of the profile */
  if (b->found_self < 0) {
    b->found_self = hash_build_id(info, b->h);
    return 0;
  }
  if (info->dlpi_name && strstr(info->dlpi_name, "/libseccomp.so")) hash_build_id(info, b->h);
  return 0;
}

/* SHA-256 over what determines the program: this executable (how it
 * translates the profile: its build-id), libseccomp (version and build-id:
 * how it generates BPF), the API level (what the kernel supports, which
 * libseccomp consults), the native architecture, and the profile itself as
 * parsed (re-serialised: the same values give the same bytes). Without a
 * build-id of our own there is no key: a rebuilt runtime could otherwise
 * reuse programs of its predecessor's translation. */
static bool cache_key(const struct json *profile, char hex[2 * SHA256_LEN + 1]) {
  struct sha256 h;
  sha256_init(&h);
  sha256_update(&h, KEY_FORMAT, sizeof KEY_FORMAT);
  struct build_ids b = {.h = &h, .found_self = -1};
  dl_iterate_phdr(add_build_ids, &b);
  if (b.found_self != 1) return false;
  const struct scmp_version *v = seccomp_version();
  unsigned nums[5] = {v->major, v->minor, v->micro, seccomp_api_get(), seccomp_arch_native()};
  sha256_update(&h, nums, sizeof nums);
  struct jbuf j = {0};
  jb_value(&j, profile);
  if (j.oom || !j.data) { jb_free(&j); return false; }
  sha256_update(&h, j.data, j.len);
  jb_free(&j);
  uint8_t d[SHA256_LEN];
  sha256_final(&h, d);
  sha256_hex(d, hex);
  return true;
}

/* Ours alone: owned by the effective user, writable by nobody else. */
static bool owned_private(const struct stat *st) {
  return st->st_uid == geteuid() && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

bool bpf_cache_open(const char *root, const struct json *profile, struct bpf_cache *c) {
  c->dirfd = -1;
  char hex[2 * SHA256_LEN + 1];
  if (!root || !cache_key(profile, hex)) return false;
  snprintf(c->name, sizeof c->name, "%s.bpf", hex);
  cleanup_close int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) return false;
  if (mkdirat(rootfd, CACHE_DIR, 0700) == 0) {
    /* the umask may have taken more than group and other bits */
    cleanup_close int fd = openat(rootfd, CACHE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || fchmod(fd, 0700) < 0) return false;
  } else if (errno != EEXIST) {
    return false;
  }
  int fd = openat(rootfd, CACHE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0) return false;
  if (fstat(fd, &st) < 0 || !owned_private(&st)) { close(fd); return false; }
  c->dirfd = fd;
  return true;
}

void bpf_cache_close(struct bpf_cache *c) {
  if (c->dirfd >= 0) close(c->dirfd);
  c->dirfd = -1;
}

/* A valid size: whole instructions, at least one, at most what the kernel loads. */
static bool program_size_ok(off_t size) {
  return size > 0 && size % (off_t)sizeof(struct sock_filter) == 0 &&
         size / (off_t)sizeof(struct sock_filter) <= BPF_MAXINSNS;
}

/* The key names the profile, not the bytes of the program: nothing here can
 * tell a program that was altered in place (same size) from the one that was
 * stored. What makes the entry trustworthy is who could have written it: a
 * regular file (not a link, fifo or device) owned by the effective user and
 * writable by nobody else, in a directory with the same properties. Whoever
 * passes those checks could as well change this executable or config.json. */
bool bpf_cache_get(const struct bpf_cache *c, struct sock_filter **prog, unsigned short *len) {
  if (c->dirfd < 0) return false;
  cleanup_close int fd = openat(c->dirfd, c->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !owned_private(&st) || !program_size_ok(st.st_size))
    return false;
  struct sock_filter *p = malloc((size_t)st.st_size);
  if (!p) return false;
  size_t got = 0;
  while (got < (size_t)st.st_size) {
    ssize_t n = read(fd, (char *)p + got, (size_t)st.st_size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) { free(p); return false; }
    got += (size_t)n;
  }
  *prog = p;
  *len = (unsigned short)(st.st_size / (off_t)sizeof *p);
  return true;
}

bool bpf_cache_put(const struct bpf_cache *c, int (*write_prog)(int fd, void *arg), void *arg) {
  if (c->dirfd < 0) return false;
  char tmp[sizeof c->name + 32];
  snprintf(tmp, sizeof tmp, ".%s.%d.tmp", c->name, (int)getpid());
  /* a temp file of ours left by a process that died with our pid */
  unlinkat(c->dirfd, tmp, 0);
  int fd = openat(c->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  struct stat st;
  /* fsync: a crash must not leave an entry of the right size full of zeros */
  bool ok = fchmod(fd, 0600) == 0 && write_prog(fd, arg) == 0 && fstat(fd, &st) == 0 &&
            program_size_ok(st.st_size) && fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  if (ok && renameat(c->dirfd, tmp, c->dirfd, c->name) == 0) return true;
  unlinkat(c->dirfd, tmp, 0);
  return false;
}
