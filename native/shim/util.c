/* Small helpers: clocks, RFC 3339 timestamps, atomic file writes. */
#include "shim/shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct timespec now_real(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts;
}

int64_t now_mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 2026-11-23T10:00:00.123456789Z: always nine fraction digits, UTC. */
void fmt_rfc3339(char out[RFC3339_LEN], const struct timespec *ts) {
  struct tm tm;
  time_t t = ts->tv_sec;
  gmtime_r(&t, &tm);
  snprintf(out, RFC3339_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
           tm.tm_hour, tm.tm_min, tm.tm_sec, (long)ts->tv_nsec);
}

int set_nonblock(int fd) {
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0) return -1;
  return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Temp file beside the target, rename: readers see old or new, never half.
 * Not fsynced: its one use, the shim's pid file, means nothing after a reboot. */
int write_file_atomic(const char *path, const char *data, size_t len, struct berr *err) {
  char tmp[4096];
  if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) return berr_set(err, ENAMETOOLONG, "write %s", path);
  cleanup_close int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return berr_sys(err, "open %s", tmp);
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return berr_sys(err, "write %s", tmp);
    data += n;
    len -= (size_t)n;
  }
  if (rename(tmp, path) < 0) return berr_sys(err, "rename %s", path);
  return 0;
}
