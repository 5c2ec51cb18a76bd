/* Error values, crun-style: a function that can fail returns -1 and fills a
 * struct berr (errno + a message naming the step); callers propagate it up to
 * main, which prints it as one line. Nothing below main exits or aborts. */
#ifndef BERTH_ERROR_H
#define BERTH_ERROR_H

#include <stdarg.h>

struct berr {
  int code;        /* errno value, 0 when the failure is not a system error */
  char msg[1024];  /* "step path: errno text" */
};

/* Sets err from errnum and a printf-style step description; returns -1. */
int berr_set(struct berr *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Like berr_set with errno. */
int berr_sys(struct berr *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prefixes an existing error with more context ("create: " + msg). */
int berr_wrap(struct berr *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints a warning line to stderr (non-fatal conditions). */
void bwarn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
