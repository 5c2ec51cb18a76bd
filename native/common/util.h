/* Small syscall wrappers with error values. */
#ifndef BERTH_UTIL_H
#define BERTH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

/* Reads a whole file into a NUL-terminated buffer. */
int read_file(const char *path, char **out, size_t *len, struct berr *err);
/* Reads everything from fd (path names it in errors). */
int read_fd(int fd, const char *path, char **out, size_t *len, struct berr *err);
/* Reads a file relative to dirfd (AT_FDCWD allowed). */
int read_file_at(int dirfd, const char *path, char **out, size_t *len, struct berr *err);
/* Writes data to an existing file (cgroup knobs, /proc files): one write. */
int write_file(const char *path, const char *data, struct berr *err);
int write_file_at(int dirfd, const char *path, const char *data, struct berr *err);
/* Writes a file atomically: temp file, fsync, rename. */
int write_file_atomic(const char *path, const char *data, size_t len, mode_t mode, struct berr *err);
/* Same without fsync: readers never see a partial file, but a crash of the
 * machine may lose it (runtime state under /run does not outlive a boot). */
int write_file_replace(const char *path, const char *data, size_t len, mode_t mode, struct berr *err);
/* mkdir -p with mode. */
int mkdir_p(const char *path, mode_t mode, struct berr *err);
/* rm -rf of a directory tree (no crossing into mounts). */
int rm_rf(const char *path, struct berr *err);
/* asprintf that returns NULL on failure. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Current time as RFC 3339 with nanoseconds, UTC. */
void now_rfc3339(char *buf, size_t n);
/* Writes all bytes (retrying short writes/EINTR). */
int write_all(int fd, const void *buf, size_t len);
/* Sends/receives one fd over a unix socket with SCM_RIGHTS. */
int send_fd(int sock, int fd, const char *tag, struct berr *err);
int recv_fd(int sock, int *fd, struct berr *err);

#endif
