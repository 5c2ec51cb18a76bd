#include "common/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int vset(struct berr *err, int errnum, const char *fmt, va_list ap) {
  if (!err) return -1;
  int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  if (n < 0) n = 0;
  if ((size_t)n >= sizeof err->msg) n = sizeof err->msg - 1;
  if (errnum) snprintf(err->msg + n, sizeof err->msg - n, ": %s", strerror(errnum));
  err->code = errnum;
  return -1;
}

int berr_set(struct berr *err, int errnum, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vset(err, errnum, fmt, ap);
  va_end(ap);
  return -1;
}

int berr_sys(struct berr *err, const char *fmt, ...) {
  int e = errno;
  va_list ap;
  va_start(ap, fmt);
  vset(err, e, fmt, ap);
  va_end(ap);
  errno = e;
  return -1;
}

int berr_wrap(struct berr *err, const char *fmt, ...) {
  if (!err) return -1;
  char prefix[256];
  char old[sizeof err->msg];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(prefix, sizeof prefix, fmt, ap);
  va_end(ap);
  memcpy(old, err->msg, sizeof old);
  snprintf(err->msg, sizeof err->msg, "%.255s%.767s", prefix, old);
  return -1;
}

void bwarn(const char *fmt, ...) {
  char buf[1200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  fprintf(stderr, "warning: %s\n", buf);
}
