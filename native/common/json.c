#include "common/json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/util.h"

#define MAX_DEPTH 256

struct parser {
  const char *s, *p, *name;
  int line;
  const char *line_start;
  struct berr *err;
};

static int col_of(struct parser *ps) { return (int)(ps->p - ps->line_start) + 1; }

static struct json *fail(struct parser *ps, const char *what) {
  berr_set(ps->err, 0, "%s:%d:%d: invalid JSON: %s", ps->name, ps->line, col_of(ps), what);
  return NULL;
}

static void skip_ws(struct parser *ps) {
  for (;;) {
    char c = *ps->p;
    if (c == '\n') { ps->p++; ps->line++; ps->line_start = ps->p; }
    else if (c == ' ' || c == '\t' || c == '\r') ps->p++;
    else return;
  }
}

static struct json *node(struct parser *ps, enum json_type t) {
  struct json *j = calloc(1, sizeof *j);
  if (!j) { berr_set(ps->err, ENOMEM, "json"); return NULL; }
  j->type = t;
  j->line = ps->line;
  j->col = col_of(ps);
  return j;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int read_hex4(struct parser *ps, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    int h = hexval(ps->p[i]);
    if (h < 0) return -1;
    v = v * 16 + (unsigned)h;
  }
  ps->p += 4;
  *out = v;
  return 0;
}

static size_t put_utf8(char *o, unsigned cp) {
  if (cp < 0x80) { o[0] = (char)cp; return 1; }
  if (cp < 0x800) { o[0] = (char)(0xC0 | (cp >> 6)); o[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12)); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F)); return 3;
  }
  o[0] = (char)(0xF0 | (cp >> 18)); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* Parses a string at ps->p (on the opening quote) into a new buffer. */
static char *parse_string_raw(struct parser *ps, size_t *lenp) {
  ps->p++;
  const char *start = ps->p;
  size_t cap = 16;
  for (const char *q = start; *q && *q != '"'; q++, cap++)
    if (*q == '\\' && q[1]) q++, cap++;
  char *out = malloc(cap + 4);
  if (!out) { berr_set(ps->err, ENOMEM, "json"); return NULL; }
  size_t n = 0;
  for (;;) {
    unsigned char c = (unsigned char)*ps->p;
    if (c == '"') { ps->p++; break; }
    if (c == 0) { free(out); fail(ps, "unterminated string"); return NULL; }
    if (c < 0x20) { free(out); fail(ps, "control character in string"); return NULL; }
    if (c != '\\') { out[n++] = (char)c; ps->p++; continue; }
    ps->p++;
    char e = *ps->p++;
    switch (e) {
      case '"': out[n++] = '"'; break;
      case '\\': out[n++] = '\\'; break;
      case '/': out[n++] = '/'; break;
      case 'b': out[n++] = '\b'; break;
      case 'f': out[n++] = '\f'; break;
      case 'n': out[n++] = '\n'; break;
      case 'r': out[n++] = '\r'; break;
      case 't': out[n++] = '\t'; break;
      case 'u': {
        unsigned cp;
        if (read_hex4(ps, &cp) < 0) { free(out); fail(ps, "bad \\u escape"); return NULL; }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          unsigned lo;
          if (ps->p[0] != '\\' || ps->p[1] != 'u') { free(out); fail(ps, "lone surrogate"); return NULL; }
          ps->p += 2;
          if (read_hex4(ps, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF) { free(out); fail(ps, "bad surrogate pair"); return NULL; }
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          free(out); fail(ps, "lone surrogate"); return NULL;
        }
        if (cp == 0) { free(out); fail(ps, "NUL in string"); return NULL; }
        n += put_utf8(out + n, cp);
        break;
      }
      default: free(out); ps->p--; fail(ps, "bad escape"); return NULL;
    }
  }
  out[n] = 0;
  if (lenp) *lenp = n;
  return out;
}

static struct json *parse_value(struct parser *ps, int depth);

static int push(struct parser *ps, struct json *j, struct json *v, char *key) {
  if ((j->len & (j->len - 1)) == 0) { /* grow at powers of two */
    size_t cap = j->len ? j->len * 2 : 4;
    struct json **ni = realloc(j->items, cap * sizeof *ni);
    if (!ni) return berr_set(ps->err, ENOMEM, "json");
    j->items = ni;
    if (j->type == JSON_OBJECT) {
      char **nk = realloc(j->keys, cap * sizeof *nk);
      if (!nk) return berr_set(ps->err, ENOMEM, "json");
      j->keys = nk;
    }
  }
  j->items[j->len] = v;
  if (j->type == JSON_OBJECT) j->keys[j->len] = key;
  j->len++;
  return 0;
}

#define DUP_SCAN_MAX 32

static int cmp_key_index(const void *a, const void *b, void *arg) {
  char **keys = arg;
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  int c = strcmp(keys[x], keys[y]);
  return c ? c : (x < y ? -1 : x > y);
}

/* Duplicate keys of a complete object, by sorting: the later one is named. */
static int find_duplicate(struct parser *ps, const struct json *j) {
  size_t *idx = malloc(j->len * sizeof *idx);
  if (!idx) { berr_set(ps->err, ENOMEM, "%s: JSON", ps->name); return -1; }
  for (size_t i = 0; i < j->len; i++) idx[i] = i;
  qsort_r(idx, j->len, sizeof *idx, cmp_key_index, j->keys);
  for (size_t i = 1; i < j->len; i++)
    if (!strcmp(j->keys[idx[i - 1]], j->keys[idx[i]])) {
      const struct json *v = j->items[idx[i]];
      berr_set(ps->err, 0, "%s:%d:%d: invalid JSON: duplicate key", ps->name, v->line, v->col);
      free(idx);
      return -1;
    }
  free(idx);
  return 0;
}

static struct json *parse_container(struct parser *ps, int depth, bool obj) {
  struct json *j = node(ps, obj ? JSON_OBJECT : JSON_ARRAY);
  if (!j) return NULL;
  ps->p++;
  skip_ws(ps);
  char close = obj ? '}' : ']';
  if (*ps->p == close) { ps->p++; return j; }
  for (;;) {
    char *key = NULL;
    skip_ws(ps);
    if (obj) {
      if (*ps->p != '"') { json_free(j); return fail(ps, "expected a string key"); }
      key = parse_string_raw(ps, NULL);
      if (!key) { json_free(j); return NULL; }
      /* small objects: a linear scan names the exact spot; big ones are
       * checked once complete (sorted), so a huge config stays O(n log n) */
      for (size_t i = 0; i < j->len && j->len < DUP_SCAN_MAX; i++)
        if (strcmp(j->keys[i], key) == 0) {
          free(key); json_free(j);
          return fail(ps, "duplicate key");
        }
      skip_ws(ps);
      if (*ps->p != ':') { free(key); json_free(j); return fail(ps, "expected ':'"); }
      ps->p++;
      skip_ws(ps);
    }
    struct json *v = parse_value(ps, depth + 1);
    if (!v) { free(key); json_free(j); return NULL; }
    if (push(ps, j, v, key) < 0) { free(key); json_free(v); json_free(j); return NULL; }
    skip_ws(ps);
    if (*ps->p == ',') { ps->p++; continue; }
    if (*ps->p == close) {
      ps->p++;
      if (obj && j->len > DUP_SCAN_MAX && find_duplicate(ps, j) < 0) { json_free(j); return NULL; }
      return j;
    }
    json_free(j);
    return fail(ps, obj ? "expected ',' or '}'" : "expected ',' or ']'");
  }
}

static struct json *parse_number(struct parser *ps) {
  const char *st = ps->p;
  const char *q = st;
  if (*q == '-') q++;
  if (*q == '0') q++;
  else if (*q >= '1' && *q <= '9') while (*q >= '0' && *q <= '9') q++;
  else return fail(ps, "bad number");
  if (*q == '.') {
    q++;
    if (!(*q >= '0' && *q <= '9')) { ps->p = q; return fail(ps, "bad number"); }
    while (*q >= '0' && *q <= '9') q++;
  }
  if (*q == 'e' || *q == 'E') {
    q++;
    if (*q == '+' || *q == '-') q++;
    if (!(*q >= '0' && *q <= '9')) { ps->p = q; return fail(ps, "bad number"); }
    while (*q >= '0' && *q <= '9') q++;
  }
  struct json *j = node(ps, JSON_NUMBER);
  if (!j) return NULL;
  j->str = strndup(st, (size_t)(q - st));
  if (!j->str) { free(j); berr_set(ps->err, ENOMEM, "json"); return NULL; }
  ps->p = q;
  return j;
}

static struct json *parse_value(struct parser *ps, int depth) {
  if (depth > MAX_DEPTH) return fail(ps, "nesting too deep");
  skip_ws(ps);
  char c = *ps->p;
  if (c == '{' || c == '[') return parse_container(ps, depth, c == '{');
  if (c == '"') {
    struct json *j = node(ps, JSON_STRING);
    if (!j) return NULL;
    j->str = parse_string_raw(ps, &j->len);
    if (!j->str) { free(j); return NULL; }
    return j;
  }
  if (c == '-' || (c >= '0' && c <= '9')) return parse_number(ps);
  static const struct { const char *word; enum json_type t; bool b; } lits[] = {
    {"true", JSON_BOOL, true}, {"false", JSON_BOOL, false}, {"null", JSON_NULL, false}};
  for (size_t i = 0; i < 3; i++) {
    size_t n = strlen(lits[i].word);
    if (strncmp(ps->p, lits[i].word, n) == 0) {
      struct json *j = node(ps, lits[i].t);
      if (!j) return NULL;
      j->boolean = lits[i].b;
      ps->p += n;
      return j;
    }
  }
  return fail(ps, c ? "unexpected character" : "unexpected end of input");
}

struct json *json_parse(const char *text, const char *name, struct berr *err) {
  struct parser ps = {.s = text, .p = text, .name = name, .line = 1, .line_start = text, .err = err};
  struct json *j = parse_value(&ps, 0);
  if (!j) return NULL;
  skip_ws(&ps);
  if (*ps.p) { json_free(j); return fail(&ps, "trailing data after the value"); }
  return j;
}

struct json *json_parse_file(const char *path, struct berr *err) {
  cleanup_free char *text = NULL;
  size_t len;
  if (read_file(path, &text, &len, err) < 0) return NULL;
  if (strlen(text) != len) { berr_set(err, 0, "%s: invalid JSON: NUL byte", path); return NULL; }
  return json_parse(text, path, err);
}

void json_free(struct json *j) {
  if (!j) return;
  for (size_t i = 0; (j->type == JSON_ARRAY || j->type == JSON_OBJECT) && i < j->len; i++) {
    json_free(j->items[i]);
    if (j->keys) free(j->keys[i]);
  }
  free(j->items);
  free(j->keys);
  free(j->str);
  free(j);
}

struct json *json_get(const struct json *j, const char *key) {
  if (!j || j->type != JSON_OBJECT) return NULL;
  for (size_t i = 0; i < j->len; i++)
    if (strcmp(j->keys[i], key) == 0) return j->items[i];
  return NULL;
}

static const char *type_name(enum json_type t) {
  static const char *names[] = {"null", "boolean", "number", "string", "array", "object"};
  return names[t];
}

static int type_error(const struct json *v, const char *key, const char *want, struct berr *err) {
  return berr_set(err, 0, "config.json:%d:%d: %s must be %s, not %s", v->line, v->col, key, want,
                  type_name(v->type));
}

#define GETTER(fn, T, jt, want, expr)                                              \
  int fn(const struct json *j, const char *key, T *out, struct berr *err) {       \
    struct json *v = json_get(j, key);                                             \
    if (!v || (v->type == JSON_NULL)) return 0;                                    \
    if (v->type != jt) return type_error(v, key, want, err);                       \
    *out = expr;                                                                   \
    return 1;                                                                      \
  }
GETTER(json_get_str, const char *, JSON_STRING, "a string", v->str)
GETTER(json_get_bool, bool, JSON_BOOL, "a boolean", v->boolean)
GETTER(json_get_array, struct json *, JSON_ARRAY, "an array", v)
GETTER(json_get_object, struct json *, JSON_OBJECT, "an object", v)

int json_to_i64(const struct json *v, int64_t *out, struct berr *err) {
  if (v->type != JSON_NUMBER) return type_error(v, "value", "a number", err);
  char *end;
  errno = 0;
  long long x = strtoll(v->str, &end, 10);
  if (errno || *end) return berr_set(err, 0, "config.json:%d:%d: %s is not a 64-bit integer", v->line, v->col, v->str);
  *out = x;
  return 1;
}

int json_to_u64(const struct json *v, uint64_t *out, struct berr *err) {
  if (v->type != JSON_NUMBER) return type_error(v, "value", "a number", err);
  char *end;
  errno = 0;
  if (v->str[0] == '-') return berr_set(err, 0, "config.json:%d:%d: %s must not be negative", v->line, v->col, v->str);
  unsigned long long x = strtoull(v->str, &end, 10);
  if (errno || *end) return berr_set(err, 0, "config.json:%d:%d: %s is not an unsigned 64-bit integer", v->line, v->col, v->str);
  *out = x;
  return 1;
}

int json_get_i64(const struct json *j, const char *key, int64_t *out, struct berr *err) {
  struct json *v = json_get(j, key);
  if (!v || v->type == JSON_NULL) return 0;
  if (v->type != JSON_NUMBER) return type_error(v, key, "a number", err);
  return json_to_i64(v, out, err);
}

int json_get_u64(const struct json *j, const char *key, uint64_t *out, struct berr *err) {
  struct json *v = json_get(j, key);
  if (!v || v->type == JSON_NULL) return 0;
  if (v->type != JSON_NUMBER) return type_error(v, key, "a number", err);
  return json_to_u64(v, out, err);
}

int json_to_strv(const struct json *j, char ***out, struct berr *err) {
  if (j->type != JSON_ARRAY) return type_error(j, "value", "an array of strings", err);
  char **v = calloc(j->len + 1, sizeof *v);
  if (!v) return berr_set(err, ENOMEM, "json");
  for (size_t i = 0; i < j->len; i++) {
    if (j->items[i]->type != JSON_STRING) { free(v); return type_error(j->items[i], "element", "a string", err); }
    v[i] = j->items[i]->str; /* borrowed from the tree */
  }
  *out = v;
  return 0;
}

static void jb_grow(struct jbuf *b, size_t extra) {
  if (b->oom) return;
  if (b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + extra + 1) cap *= 2;
  char *n = realloc(b->data, cap);
  if (!n) { b->oom = true; return; }
  b->data = n;
  b->cap = cap;
}

void jb_raw(struct jbuf *b, const char *s) {
  size_t n = strlen(s);
  jb_grow(b, n);
  if (b->oom) return;
  memcpy(b->data + b->len, s, n + 1);
  b->len += n;
}

void jb_printf(struct jbuf *b, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < (int)sizeof tmp) { jb_raw(b, tmp); return; }
  char *big = malloc((size_t)n + 1);
  if (!big) { b->oom = true; return; }
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  jb_raw(b, big);
  free(big);
}

void jb_str(struct jbuf *b, const char *s) {
  if (!s) { jb_raw(b, "null"); return; }
  jb_grow(b, strlen(s) * 6 + 2);
  if (b->oom) return;
  char *o = b->data + b->len;
  *o++ = '"';
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
      case '"': *o++ = '\\'; *o++ = '"'; break;
      case '\\': *o++ = '\\'; *o++ = '\\'; break;
      case '\n': *o++ = '\\'; *o++ = 'n'; break;
      case '\r': *o++ = '\\'; *o++ = 'r'; break;
      case '\t': *o++ = '\\'; *o++ = 't'; break;
      default:
        if (*p < 0x20) o += sprintf(o, "\\u%04x", *p);
        else *o++ = (char)*p;
    }
  }
  *o++ = '"';
  *o = 0;
  b->len = (size_t)(o - b->data);
}

void jb_value(struct jbuf *b, const struct json *j) {
  switch (j->type) {
    case JSON_NULL: jb_raw(b, "null"); break;
    case JSON_BOOL: jb_raw(b, j->boolean ? "true" : "false"); break;
    case JSON_NUMBER: jb_raw(b, j->str); break;
    case JSON_STRING: jb_str(b, j->str); break;
    case JSON_ARRAY:
    case JSON_OBJECT:
      jb_raw(b, j->type == JSON_ARRAY ? "[" : "{");
      for (size_t i = 0; i < j->len; i++) {
        if (i) jb_raw(b, ",");
        if (j->type == JSON_OBJECT) { jb_str(b, j->keys[i]); jb_raw(b, ":"); }
        jb_value(b, j->items[i]);
      }
      jb_raw(b, j->type == JSON_ARRAY ? "]" : "}");
      break;
  }
}

void jb_free(struct jbuf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}
