/* OCI hooks: each runs with the container state JSON on stdin; a hook that
 * fails (non-zero exit, timeout) fails the step, except poststart/poststop
 * whose failures are warnings, as the spec says. */
#ifndef BERTH_RT_HOOKS_H
#define BERTH_RT_HOOKS_H

#include <sys/types.h>

#include "common/error.h"
#include "common/json.h"

enum hook_kind { HOOK_PRESTART, HOOK_CREATE_RUNTIME, HOOK_CREATE_CONTAINER, HOOK_START_CONTAINER, HOOK_POSTSTART, HOOK_POSTSTOP, HOOK_NKINDS };

/* Runs config.json's hooks of one kind (hooks may be NULL: nothing to do). */
int hooks_run(const struct json *hooks, enum hook_kind kind, const char *id, const char *status, pid_t pid,
              const char *bundle, const struct json *annotations, struct berr *err);
/* Validates the hooks object at load time (paths absolute, types right). */
int hooks_validate(const struct json *hooks, struct berr *err);

#endif
