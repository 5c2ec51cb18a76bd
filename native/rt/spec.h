/* The parts of an OCI runtime config.json that the runtime acts on. Strings
 * point into the parsed JSON tree (spec->root), which the spec owns. */
#ifndef BERTH_RT_SPEC_H
#define BERTH_RT_SPEC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "common/json.h"

struct rlimit_spec {
  int resource;
  const char *name; /* "RLIMIT_NOFILE"..., for messages */
  uint64_t soft, hard;
};

struct proc_spec {
  bool terminal;
  char **args, **env;       /* NULL-terminated */
  const char *cwd;
  uid_t uid;
  gid_t gid;
  gid_t *gids;
  size_t ngids;
  bool has_umask;
  mode_t umask;
  bool has_caps;
  uint64_t caps[5];         /* bounding, effective, inheritable, permitted, ambient */
  bool nnp;
  struct rlimit_spec *rlimits;
  size_t nrlimits;
  bool has_oom;
  int oom_score_adj;
  int console_rows, console_cols;
  const char *apparmor, *selinux_label; /* NULL when unset or empty */
};

enum { CAP_SET_BOUNDING, CAP_SET_EFFECTIVE, CAP_SET_INHERITABLE, CAP_SET_PERMITTED, CAP_SET_AMBIENT };

struct mount_spec {
  const char *dest, *type, *source;
  char **options;
  bool dest_owned;          /* dest was made absolute here (free it) */
};

struct ns_spec {
  int flag;          /* CLONE_NEW* */
  const char *path;  /* join this one when set */
};

struct idmap_spec {
  uint32_t container_id, host_id, size;
};

struct dev_spec {
  const char *path;
  char type;         /* c, b, u, p */
  int64_t major, minor;
  mode_t mode;
  bool has_mode;
  uid_t uid;
  gid_t gid;
};

struct devrule_spec {
  bool allow;
  char type;         /* a, c, b */
  int64_t major, minor; /* -1 = wildcard */
  const char *access;
};

struct resources_spec {
  bool has_mem_limit, has_mem_reservation, has_mem_swap, has_swappiness, has_kernel, has_kernel_tcp;
  int64_t kernel, kernel_tcp; /* v1 only: memory.kmem{,.tcp}.limit_in_bytes */
  int64_t mem_limit, mem_reservation, mem_swap;
  uint64_t swappiness;
  bool has_shares, has_quota, has_period;
  uint64_t shares, period;
  int64_t quota;
  const char *cpus, *mems;
  bool has_pids;
  int64_t pids_limit;
  struct devrule_spec *devrules;
  size_t ndevrules;
  const struct json *json;  /* the whole object, for cgroup-extra.c */
};

struct spec {
  struct json *root;
  char *bundle;             /* absolute */
  char *rootfs;             /* absolute */
  bool root_readonly;
  struct proc_spec process;
  const char *hostname, *domainname;
  struct mount_spec *mounts;
  size_t nmounts;
  struct ns_spec *namespaces;
  size_t nnamespaces;
  struct idmap_spec *uid_maps, *gid_maps;
  size_t nuid_maps, ngid_maps;
  struct dev_spec *devices;
  size_t ndevices;
  const char *cgroups_path;
  struct resources_spec res;
  unsigned long rootfs_propagation; /* MS_* flags, 0 = default */
  char **masked_paths, **readonly_paths;
  char **sysctl_keys, **sysctl_values;
  size_t nsysctl;
  struct json *seccomp;
  struct json *annotations;
  struct json *hooks;
};

/* Loads <bundle>/config.json. */
int spec_load(const char *bundle, struct spec **out, struct berr *err);
void spec_free(struct spec *s);
/* Parses a "process" object (config.json's, or exec's --process file). */
int proc_spec_parse(const struct json *j, struct proc_spec *p, struct berr *err);
void proc_spec_free(struct proc_spec *p);
/* Parses a linux.resources object into s->res (used by `update`). */
int resources_parse(const struct json *res, struct spec *s, struct berr *err);
/* Namespace helpers. */
const struct ns_spec *spec_ns(const struct spec *s, int flag);
/* Capability name → number, -1 when unknown. */
int cap_from_name(const char *name);
/* Mount option string → flags; returns false for options that are data. */
bool mount_flag_parse(const char *opt, unsigned long *set, unsigned long *clear, unsigned long *prop);

#endif
