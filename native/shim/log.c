/* The container log in Docker's json-file format: one JSON object per line,
 * {"log":"...\n","stream":"stdout","time":"RFC3339Nano"}. Lines longer than
 * 16 KiB are split (Docker does the same); size-based rotation renames
 * <file> -> <file>.1 -> ... -> <file>.<max_file-1>. */
#include "shim/shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int logw_open(struct logw *l, const char *path, int64_t max_size, int max_file, struct berr *err) {
  l->path = path;
  l->max_size = max_size;
  l->max_file = max_file < 1 ? 1 : max_file;
  l->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (l->fd < 0) return berr_sys(err, "open log %s", path);
  struct stat st;
  if (fstat(l->fd, &st) < 0) return berr_sys(err, "stat log %s", path);
  l->size = st.st_size;
  return 0;
}

static int rotate(struct logw *l, struct berr *err) {
  if (l->max_file <= 1) {
    /* Only one file allowed: start it again. */
    if (ftruncate(l->fd, 0) < 0) return berr_sys(err, "truncate log %s", l->path);
    l->size = 0;
    return 0;
  }
  char from[4096], to[4096];
  for (int i = l->max_file - 1; i >= 1; i--) {
    if (i == 1) snprintf(from, sizeof from, "%s", l->path);
    else snprintf(from, sizeof from, "%s.%d", l->path, i - 1);
    snprintf(to, sizeof to, "%s.%d", l->path, i);
    if (rename(from, to) < 0 && errno != ENOENT) return berr_sys(err, "rotate log %s", from);
  }
  int fd = open(l->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return berr_sys(err, "open log %s", l->path);
  close(l->fd);
  l->fd = fd;
  l->size = 0;
  return 0;
}

static void entry(struct jw *w, const char *stream, const char *data, size_t n, const char *ts) {
  jw_lit(w, "{\"log\":");
  jw_str(w, data, n);
  jw_lit(w, ",\"stream\":\"");
  jw_lit(w, stream);
  jw_lit(w, "\",\"time\":\"");
  jw_lit(w, ts);
  jw_lit(w, "\"}\n");
}

static int write_entry(struct logw *l, const char *stream, const char *data, size_t n, struct berr *err) {
  static struct jw w; /* static: 4 KiB buffer off the stack, reused */
  char ts[RFC3339_LEN];
  struct timespec now = now_real();
  fmt_rfc3339(ts, &now);
  jw_init(&w, -1);
  entry(&w, stream, data, n, ts);
  if (l->max_size > 0 && l->size > 0 && l->size + (int64_t)w.count > l->max_size && rotate(l, err) < 0) return -1;
  jw_init(&w, l->fd);
  entry(&w, stream, data, n, ts);
  if (jw_flush(&w) < 0) return berr_sys(err, "write log %s", l->path);
  l->size += (int64_t)w.count;
  return 0;
}

int logstream_feed(struct logw *l, struct logstream *s, const char *data, size_t n, struct berr *err) {
  int ret = 0;
  while (n > 0) {
    const char *nl = memchr(data, '\n', n);
    size_t take = nl ? (size_t)(nl - data) + 1 : n;
    size_t room = LOG_LINE_MAX - s->len;
    if (take > room) take = room;
    if (s->len == 0 && nl && take == (size_t)(nl - data) + 1) {
      /* A whole line with nothing pending: write it straight from the input. */
      if (write_entry(l, s->name, data, take, err) < 0) ret = -1;
    } else {
      memcpy(s->buf + s->len, data, take);
      s->len += take;
      if (s->buf[s->len - 1] == '\n' || s->len == LOG_LINE_MAX) {
        if (write_entry(l, s->name, s->buf, s->len, err) < 0) ret = -1;
        s->len = 0;
      }
    }
    data += take;
    n -= take;
  }
  return ret;
}

int logstream_flush(struct logw *l, struct logstream *s, struct berr *err) {
  if (s->len == 0) return 0;
  int ret = write_entry(l, s->name, s->buf, s->len, err);
  s->len = 0;
  return ret;
}
