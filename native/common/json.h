/* A small, strict JSON parser (RFC 8259) producing a tree, and a string
 * builder for writing JSON. Numbers keep their source text so that 64-bit
 * integers (memory limits, seccomp argument values) are read exactly. */
#ifndef BERTH_JSON_H
#define BERTH_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
  enum json_type type;
  bool boolean;
  char *str;            /* string value, or number text */
  size_t len;           /* array/object element count */
  struct json **items;  /* array elements or object values */
  char **keys;          /* object keys (parallel to items) */
  int line, col;        /* position in the source, for error messages */
};

/* Parses text (NUL-terminated); on error fills err with "name:line:col: what". */
struct json *json_parse(const char *text, const char *name, struct berr *err);
struct json *json_parse_file(const char *path, struct berr *err);
void json_free(struct json *j);

/* Lookups: NULL when absent or j is not an object. */
struct json *json_get(const struct json *j, const char *key);
/* Typed lookups with validation: return 0 when absent (leaving *out), -1 on a
 * type error (err names the file position and key). */
int json_get_str(const struct json *j, const char *key, const char **out, struct berr *err);
int json_get_bool(const struct json *j, const char *key, bool *out, struct berr *err);
int json_get_i64(const struct json *j, const char *key, int64_t *out, struct berr *err);
int json_get_u64(const struct json *j, const char *key, uint64_t *out, struct berr *err);
int json_get_array(const struct json *j, const char *key, struct json **out, struct berr *err);
int json_get_object(const struct json *j, const char *key, struct json **out, struct berr *err);
int json_to_i64(const struct json *j, int64_t *out, struct berr *err);
int json_to_u64(const struct json *j, uint64_t *out, struct berr *err);
/* NULL-terminated copy of an array of strings. */
int json_to_strv(const struct json *j, char ***out, struct berr *err);

/* Growable buffer for building JSON output. */
struct jbuf {
  char *data;
  size_t len, cap;
  bool oom;
};
void jb_raw(struct jbuf *b, const char *s);
void jb_printf(struct jbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void jb_str(struct jbuf *b, const char *s); /* quoted, escaped; NULL → null */
void jb_free(struct jbuf *b);
/* Re-serializes a parsed value (used to copy annotations into state). */
void jb_value(struct jbuf *b, const struct json *j);

#endif
