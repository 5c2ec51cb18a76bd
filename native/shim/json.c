/* JSON: a buffered streaming writer (state.json, log entries, socket replies)
 * and a small reader for flat request objects and the health config. No heap. */
#include "shim/shim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void jw_init(struct jw *w, int fd) {
  w->fd = fd;
  w->count = 0;
  w->len = 0;
  w->failed = false;
}

static void jw_drain(struct jw *w) {
  size_t off = 0;
  while (off < w->len && !w->failed) {
    ssize_t n = write(w->fd, w->buf + off, w->len - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) w->failed = true;
    else off += (size_t)n;
  }
  w->len = 0;
}

void jw_raw(struct jw *w, const char *s, size_t n) {
  w->count += n;
  if (w->fd < 0) return;
  while (n > 0) {
    if (w->len == sizeof w->buf) jw_drain(w);
    size_t k = sizeof w->buf - w->len;
    if (k > n) k = n;
    memcpy(w->buf + w->len, s, k);
    w->len += k;
    s += k;
    n -= k;
  }
}

void jw_lit(struct jw *w, const char *s) { jw_raw(w, s, strlen(s)); }

void jw_int(struct jw *w, long long v) {
  char b[24];
  int n = snprintf(b, sizeof b, "%lld", v);
  jw_raw(w, b, (size_t)n);
}

/* Length of a valid UTF-8 sequence at s, or 0 (overlong, surrogate, truncated). */
static size_t utf8_len(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  size_t len;
  unsigned min;
  if (c >= 0xc2 && c <= 0xdf) len = 2, min = 0x80;
  else if (c >= 0xe0 && c <= 0xef) len = 3, min = 0x800;
  else if (c >= 0xf0 && c <= 0xf4) len = 4, min = 0x10000;
  else return 0;
  if (n < len) return 0;
  unsigned cp = c & (0x3f >> (len - 1));
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}

void jw_str(struct jw *w, const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  jw_raw(w, "\"", 1);
  size_t run = 0; /* bytes copied verbatim, flushed in one go */
  for (size_t i = 0; i < n;) {
    unsigned char c = s[i];
    const char *esc = NULL;
    char u[8];
    size_t adv = 1;
    if (c == '"') esc = "\\\"";
    else if (c == '\\') esc = "\\\\";
    else if (c == '\n') esc = "\\n";
    else if (c == '\r') esc = "\\r";
    else if (c == '\t') esc = "\\t";
    else if (c < 0x20) {
      snprintf(u, sizeof u, "\\u%04x", c);
      esc = u;
    } else if (c >= 0x80) {
      adv = utf8_len(s + i, n - i);
      if (adv == 0) {
        esc = "\\ufffd";
        adv = 1;
      }
    }
    if (esc) {
      if (run) jw_raw(w, (const char *)s + i - run, run);
      run = 0;
      jw_lit(w, esc);
    } else
      run += adv;
    i += adv;
  }
  if (run) jw_raw(w, (const char *)s + n - run, run);
  jw_raw(w, "\"", 1);
}

int jw_flush(struct jw *w) {
  if (w->fd >= 0 && w->len) jw_drain(w);
  return w->failed ? -1 : 0;
}

/* ---- reader ------------------------------------------------------------ */

static const char *ws(const char *p, const char *e) {
  while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
  return p;
}

/* p at '"'; returns the position after the closing quote, or NULL. */
static const char *skip_string(const char *p, const char *e) {
  for (p++; p < e; p++) {
    if (*p == '\\') p++;
    else if (*p == '"') return p + 1;
  }
  return NULL;
}

static const char *skip_value(const char *p, const char *e, int depth) {
  p = ws(p, e);
  if (p >= e || depth > 32) return NULL;
  if (*p == '"') return skip_string(p, e);
  if (*p == '{' || *p == '[') {
    char close = *p == '{' ? '}' : ']';
    p = ws(p + 1, e);
    if (p < e && *p == close) return p + 1;
    for (;;) {
      if (close == '}') {
        if (p >= e || *p != '"' || !(p = skip_string(p, e))) return NULL;
        p = ws(p, e);
        if (p >= e || *p != ':') return NULL;
        p++;
      }
      if (!(p = skip_value(p, e, depth + 1))) return NULL;
      p = ws(p, e);
      if (p < e && *p == ',') {
        p = ws(p + 1, e);
        continue;
      }
      if (p < e && *p == close) return p + 1;
      return NULL;
    }
  }
  const char *s = p;
  while (p < e && (strchr("+-.eE", *p) || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z'))) p++;
  return p > s ? p : NULL;
}

static void put_utf8(char **o, char *oe, unsigned cp) {
  char b[4];
  size_t n;
  if (cp < 0x80) b[0] = (char)cp, n = 1;
  else if (cp < 0x800) b[0] = (char)(0xc0 | cp >> 6), b[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
  else if (cp < 0x10000)
    b[0] = (char)(0xe0 | cp >> 12), b[1] = (char)(0x80 | ((cp >> 6) & 0x3f)), b[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
  else
    b[0] = (char)(0xf0 | cp >> 18), b[1] = (char)(0x80 | ((cp >> 12) & 0x3f)), b[2] = (char)(0x80 | ((cp >> 6) & 0x3f)),
    b[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
  if (*o + n >= oe) return;
  memcpy(*o, b, n);
  *o += n;
}

static int hex4(const char *p, const char *e, unsigned *v) {
  if (e - p < 4) return -1;
  *v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    *v = *v << 4 | (unsigned)d;
  }
  return 0;
}

/* Decodes the string at val into out (NUL-terminated); -1 if not a string or too long. */
static const char *decode_string(const char *p, const char *e, char *out, size_t outsz) {
  p = ws(p, e);
  if (p >= e || *p != '"' || outsz == 0) return NULL;
  char *o = out, *oe = out + outsz;
  for (p++; p < e; p++) {
    char c = *p;
    if (c == '"') {
      *o = '\0';
      return p + 1;
    }
    if (c == '\\') {
      if (++p >= e) return NULL;
      switch (*p) {
      case 'n': c = '\n'; break;
      case 't': c = '\t'; break;
      case 'r': c = '\r'; break;
      case 'b': c = '\b'; break;
      case 'f': c = '\f'; break;
      case 'u': {
        unsigned cp, lo;
        if (hex4(p + 1, e, &cp) < 0) return NULL;
        p += 4;
        if (cp >= 0xd800 && cp < 0xdc00 && e - p > 6 && p[1] == '\\' && p[2] == 'u' && hex4(p + 3, e, &lo) == 0 &&
            lo >= 0xdc00 && lo < 0xe000) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          p += 6;
        }
        if (cp == 0) return NULL; /* no NULs inside C strings */
        put_utf8(&o, oe, cp);
        if (o >= oe - 1) return NULL;
        continue;
      }
      default: c = *p;
      }
    }
    if (o >= oe - 1) return NULL;
    *o++ = c;
  }
  return NULL;
}

int json_object_each(const char *buf, size_t len, json_member_cb cb, void *ctx) {
  const char *p = ws(buf, buf + len), *e = buf + len;
  if (p >= e || *p != '{') return -1;
  p = ws(p + 1, e);
  if (p < e && *p == '}') return 0;
  for (;;) {
    char key[64];
    const char *q = decode_string(p, e, key, sizeof key);
    if (!q) {
      /* An over-long key: skip it and its value. */
      if (p >= e || *p != '"' || !(q = skip_string(p, e))) return -1;
      key[0] = '\0';
    }
    p = ws(q, e);
    if (p >= e || *p != ':') return -1;
    const char *val = ws(p + 1, e);
    const char *vend = skip_value(val, e, 0);
    if (!vend) return -1;
    if (key[0] && cb(ctx, key, val, vend) < 0) return -1;
    p = ws(vend, e);
    if (p < e && *p == ',') {
      p = ws(p + 1, e);
      continue;
    }
    if (p < e && *p == '}') return 0;
    return -1;
  }
}

int json_get_str(const char *val, const char *vend, char *out, size_t outsz) {
  return decode_string(val, vend, out, outsz) ? 0 : -1;
}

int json_get_num(const char *val, const char *vend, double *out) {
  char b[64];
  size_t n = (size_t)(vend - val);
  if (n == 0 || n >= sizeof b || !((*val >= '0' && *val <= '9') || *val == '-')) return -1;
  memcpy(b, val, n);
  b[n] = '\0';
  char *end;
  errno = 0;
  *out = strtod(b, &end);
  return errno || *end ? -1 : 0;
}

int json_get_str_array(const char *val, const char *vend, char *out, size_t outsz, char **argv, int maxargs,
                       int *argc) {
  const char *p = ws(val, vend);
  *argc = 0;
  if (p >= vend || *p != '[') return -1;
  p = ws(p + 1, vend);
  if (p < vend && *p == ']') return 0;
  for (;;) {
    if (*argc >= maxargs - 1) return -1;
    const char *q = decode_string(p, vend, out, outsz);
    if (!q) return -1;
    argv[(*argc)++] = out;
    size_t used = strlen(out) + 1;
    out += used;
    outsz -= used;
    p = ws(q, vend);
    if (p < vend && *p == ',') {
      p = ws(p + 1, vend);
      continue;
    }
    if (p < vend && *p == ']') break;
    return -1;
  }
  argv[*argc] = NULL;
  return 0;
}
