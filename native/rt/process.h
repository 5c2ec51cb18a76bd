/* The last steps of a container process: limits, identity, capabilities,
 * seccomp, then execve. */
#ifndef BERTH_RT_PROCESS_H
#define BERTH_RT_PROCESS_H

#include "common/error.h"
#include "common/json.h"
#include "rt/spec.h"

/* rlimits and oomScoreAdj; EPERM without CAP_SYS_RESOURCE is a warning. */
int proc_apply_limits(const struct proc_spec *p, struct berr *err);
/* Sets HOME from the container's /etc/passwd (else "/") when the env has
 * none, as runc does. Call inside the container's mount namespace. */
int proc_ensure_home(struct proc_spec *p, struct berr *err);
/* Resolves args[0] through PATH from the process env; error text as runc's. */
int proc_find_exec(const struct proc_spec *p, char **out, struct berr *err);
/* chdir, user, capabilities, noNewPrivileges, seccomp, umask, execve.
 * Returns only on failure. */
int proc_exec(const struct proc_spec *p, const char *path, void *seccomp, struct berr *err);
/* The signal the process gets when its parent dies, set again after the
 * change of user in proc_exec (which clears it); 0: none. */
void proc_set_death_signal(int sig);

/* lsm.c: a requested AppArmor profile / SELinux label the host cannot
 * enforce is an error (at create); applied for the execve. */
int lsm_validate(const struct proc_spec *p, const char *mount_label, struct berr *err);
int lsm_apply(const struct proc_spec *p, struct berr *err);

/* caps.c */
int caps_drop_bounding(const struct proc_spec *p, struct berr *err);
int caps_apply(const struct proc_spec *p, struct berr *err);
/* seccomp.c: builds the filter of an OCI linux.seccomp object (at create,
 * so that a bad profile fails there; in the runtime, before the fork, so
 * that it can read and fill the program cache under cache_root, the state
 * root, NULL: none), and loads it (in the child, just before execve). */
int seccomp_prepare(const struct json *seccomp, const char *cache_root, void **filter, struct berr *err);
int seccomp_load_filter(void *filter, struct berr *err);
void seccomp_free(void *filter);
/* Writes the BPF program libseccomp generates for a profile to fd (no cache). */
int seccomp_export(const struct json *seccomp, int fd, struct berr *err);

#endif
