#include "runtime/args.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool name_matches(const char *names, const char *name, size_t len) {
  const char *p = names;
  while (*p) {
    const char *e = strchrnul(p, '|');
    if ((size_t)(e - p) == len && !strncmp(p, name, len)) return true;
    p = *e ? e + 1 : e;
  }
  return false;
}

struct opt *opt_find(struct opt *opts, size_t nopts, const char *name) {
  for (size_t i = 0; i < nopts; i++)
    if (name_matches(opts[i].names, name, strlen(name))) return &opts[i];
  return NULL;
}

int args_parse(int argc, char **argv, struct opt *opts, size_t nopts, bool stop_at_positional,
               char ***pos, size_t *npos, struct berr *err) {
  char **out = calloc((size_t)argc + 1, sizeof *out);
  if (!out) return berr_set(err, ENOMEM, "args");
  size_t n = 0;
  bool only_pos = false;
  for (int i = 0; i < argc; i++) {
    char *a = argv[i];
    if (only_pos || a[0] != '-' || !a[1]) {
      out[n++] = a;
      if (stop_at_positional) only_pos = true;
      continue;
    }
    if (!strcmp(a, "--")) {
      if (stop_at_positional && n == 0) { /* "exec -- id": keep going */ }
      only_pos = true;
      continue;
    }
    const char *name = a + (a[1] == '-' ? 2 : 1);
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    struct opt *o = NULL;
    for (size_t k = 0; k < nopts && !o; k++)
      if (name_matches(opts[k].names, name, len)) o = &opts[k];
    if (!o) { free(out); return berr_set(err, 0, "unknown option %.*s", (int)(len + (name - a)), a); }
    const char *val = NULL;
    if (o->has_arg) {
      if (eq) val = eq + 1;
      else if (i + 1 < argc) val = argv[++i];
      else { free(out); return berr_set(err, 0, "option %s needs a value", a); }
    } else if (eq) {
      if (!strcmp(eq + 1, "false")) { o->set = false; continue; }
    }
    o->set = true;
    o->val = val;
    if (o->repeat && val) {
      const char **nv = realloc(o->vals, (o->nvals + 1) * sizeof *nv);
      if (!nv) { free(out); return berr_set(err, ENOMEM, "args"); }
      o->vals = nv;
      o->vals[o->nvals++] = val;
    }
  }
  *pos = out;
  *npos = n;
  return 0;
}
