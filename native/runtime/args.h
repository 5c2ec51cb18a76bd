/* A small option parser: --name value, --name=value, -x value, flags;
 * options may follow positionals unless stop_at_positional is set (exec:
 * everything after the id is the command). */
#ifndef BERTH_RUNTIME_ARGS_H
#define BERTH_RUNTIME_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

struct opt {
  const char *names;   /* "bundle|b" */
  bool has_arg;
  bool repeat;         /* collect every value */
  bool set;
  const char *val;
  const char **vals;
  size_t nvals;
};

int args_parse(int argc, char **argv, struct opt *opts, size_t nopts, bool stop_at_positional,
               char ***pos, size_t *npos, struct berr *err);
struct opt *opt_find(struct opt *opts, size_t nopts, const char *name);

#endif
