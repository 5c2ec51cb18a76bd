/* update: new resource limits for a running container, from flags or a
 * linux.resources JSON (--resources file, "-" for stdin), as runc's. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/util.h"
#include "rt/container.h"
#include "rt/spec.h"
#include "runtime/args.h"
#include "runtime/commands.h"

#define NOPTS(a) (sizeof(a) / sizeof((a)[0]))

static int num(const char *flag, const char *v, int64_t *out, struct berr *err) {
  char *end;
  errno = 0;
  long long x = strtoll(v, &end, 10);
  if (errno || end == v || *end) return berr_set(err, 0, "update: %s: not a number: %s", flag, v);
  *out = x;
  return 0;
}

int cmd_update(const struct globals *g, int argc, char **argv, struct berr *err) {
  struct opt opts[] = {{"resources|r", true}, {"memory", true}, {"memory-reservation", true}, {"memory-swap", true},
                       {"cpu-shares", true}, {"cpu-quota", true}, {"cpu-period", true}, {"cpuset-cpus", true},
                       {"cpuset-mems", true}, {"pids-limit", true}};
  cleanup_free char **pos = NULL;
  size_t n;
  if (args_parse(argc, argv, opts, NOPTS(opts), false, &pos, &n, err) < 0) return berr_wrap(err, "update: ");
  if (n != 1) return berr_set(err, 0, "update: container id required");
  struct spec s;
  memset(&s, 0, sizeof s);
  struct json *doc = NULL;
  int ret = -1;
  if (opts[0].set) {
    cleanup_free char *text = NULL;
    bool stdin_ = !strcmp(opts[0].val, "-");
    const char *path = stdin_ ? "stdin" : opts[0].val;
    if ((stdin_ ? read_fd(0, path, &text, NULL, err) : read_file(path, &text, NULL, err)) < 0) return -1;
    if (!(doc = json_parse(text, path, err))) return -1;
    if (doc->type != JSON_OBJECT) { berr_set(err, 0, "%s: resources must be an object", path); goto out; }
    if (resources_parse(doc, &s, err) < 0) goto out;
  }
  struct resources_spec *r = &s.res;
  int64_t v;
  if (opts[1].set) { if (num("--memory", opts[1].val, &v, err) < 0) goto out; r->has_mem_limit = true; r->mem_limit = v; }
  if (opts[2].set) { if (num("--memory-reservation", opts[2].val, &v, err) < 0) goto out; r->has_mem_reservation = true; r->mem_reservation = v; }
  if (opts[3].set) { if (num("--memory-swap", opts[3].val, &v, err) < 0) goto out; r->has_mem_swap = true; r->mem_swap = v; }
  if (opts[4].set) { if (num("--cpu-shares", opts[4].val, &v, err) < 0) goto out; r->has_shares = true; r->shares = (uint64_t)v; }
  if (opts[5].set) { if (num("--cpu-quota", opts[5].val, &v, err) < 0) goto out; r->has_quota = true; r->quota = v; }
  if (opts[6].set) { if (num("--cpu-period", opts[6].val, &v, err) < 0) goto out; r->has_period = true; r->period = (uint64_t)v; }
  if (opts[7].set) r->cpus = opts[7].val;
  if (opts[8].set) r->mems = opts[8].val;
  if (opts[9].set) { if (num("--pids-limit", opts[9].val, &v, err) < 0) goto out; r->has_pids = true; r->pids_limit = v; }
  /* device rules are not updated (runc does not either) */
  free(r->devrules);
  r->devrules = NULL;
  r->ndevrules = 0;
  struct cstate st;
  if (state_load(g->root, pos[0], &st, err) < 0) goto out;
  enum cstatus status = state_status(&st);
  if (status == ST_STOPPED) berr_set(err, 0, "container %s is not running", pos[0]);
  else if (cgroup_update(&st.cg, &s, err) == 0) ret = 0;
  else berr_wrap(err, "update: ");
  state_release(&st);
out:
  free(r->devrules);
  json_free(doc);
  return ret;
}
