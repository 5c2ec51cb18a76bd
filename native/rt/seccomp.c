/* OCI linux.seccomp → a libseccomp filter: defaultAction, architectures,
 * syscalls (names, action, errnoRet, args). Unknown syscall names are
 * skipped (profiles list syscalls of every architecture), as runc does.
 * The generated BPF program is cached (rt/seccomp-cache.h): a profile seen
 * before is loaded from there with seccomp(2) the way seccomp_load would
 * load libseccomp's own program, without libseccomp building it again. */
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/util.h"
#include "rt/process.h"
#include "rt/seccomp-cache.h"

/* A prepared filter: a program from the cache and the seccomp(2) flags to
 * load it with, or (no usable cache) libseccomp's context. */
struct seccomp_filter {
  scmp_filter_ctx ctx;
  struct sock_filter *prog;
  unsigned short len;
  unsigned int flags;
};

static int parse_action(const struct json *j, const char *key, uint32_t errno_ret, bool has_errno, uint32_t *out, struct berr *err) {
  const char *a = NULL;
  if (json_get_str(j, key, &a, err) < 0) return -1;
  if (!a) return berr_set(err, 0, "seccomp: %s is required", key);
  uint32_t e = has_errno ? errno_ret : EPERM;
  if (!strcmp(a, "SCMP_ACT_KILL") || !strcmp(a, "SCMP_ACT_KILL_THREAD")) *out = SCMP_ACT_KILL_THREAD;
  else if (!strcmp(a, "SCMP_ACT_KILL_PROCESS")) *out = SCMP_ACT_KILL_PROCESS;
  else if (!strcmp(a, "SCMP_ACT_TRAP")) *out = SCMP_ACT_TRAP;
  else if (!strcmp(a, "SCMP_ACT_ERRNO")) *out = SCMP_ACT_ERRNO(e);
  else if (!strcmp(a, "SCMP_ACT_TRACE")) *out = SCMP_ACT_TRACE(e);
  else if (!strcmp(a, "SCMP_ACT_ALLOW")) *out = SCMP_ACT_ALLOW;
  else if (!strcmp(a, "SCMP_ACT_LOG")) *out = SCMP_ACT_LOG;
  else return berr_set(err, 0, "seccomp: unsupported action %s", a);
  return 0;
}

static int parse_arch(const char *name, uint32_t *out) {
  static const struct { const char *n; uint32_t a; } arches[] = {
    {"SCMP_ARCH_X86", SCMP_ARCH_X86}, {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64}, {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_ARM", SCMP_ARCH_ARM}, {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64}, {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64}, {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL}, {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32}, {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64}, {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390}, {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
  };
  for (size_t i = 0; i < sizeof arches / sizeof arches[0]; i++)
    if (!strcmp(name, arches[i].n)) { *out = arches[i].a; return 0; }
  return -1;
}

static int parse_op(const char *op, enum scmp_compare *out) {
  static const struct { const char *n; enum scmp_compare c; } ops[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (op && !strcmp(op, ops[i].n)) { *out = ops[i].c; return 0; }
  return -1;
}

static int add_rule(scmp_filter_ctx ctx, const struct json *rule, uint32_t def, struct berr *err) {
  struct json *names = NULL, *args = NULL;
  const char *name1 = NULL;
  uint64_t eret = 0;
  int has_errno;
  if (json_get_array(rule, "names", &names, err) < 0 || json_get_str(rule, "name", &name1, err) < 0 ||
      json_get_array(rule, "args", &args, err) < 0 || (has_errno = json_get_u64(rule, "errnoRet", &eret, err)) < 0)
    return -1;
  uint32_t action;
  if (parse_action(rule, "action", (uint32_t)eret, has_errno, &action, err) < 0) return -1;
  if (action == def) return 0;
  struct scmp_arg_cmp cmps[6];
  unsigned ncmp = 0;
  bool same_index = false;
  for (size_t i = 0; args && i < args->len; i++) {
    if (i >= 6) return berr_set(err, 0, "seccomp: more than 6 argument conditions");
    uint64_t index = 0, value = 0, value2 = 0;
    const char *op = NULL;
    if (json_get_u64(args->items[i], "index", &index, err) < 0 || json_get_u64(args->items[i], "value", &value, err) < 0 ||
        json_get_u64(args->items[i], "valueTwo", &value2, err) < 0 || json_get_str(args->items[i], "op", &op, err) < 0)
      return -1;
    enum scmp_compare c;
    if (parse_op(op, &c) < 0) return berr_set(err, 0, "seccomp: unknown operator %s", op ? op : "(none)");
    if (index > 5) return berr_set(err, 0, "seccomp: argument index %llu out of range", (unsigned long long)index);
    for (unsigned k = 0; k < ncmp; k++) if (cmps[k].arg == index) same_index = true;
    cmps[ncmp].arg = (unsigned)index;
    cmps[ncmp].op = c;
    cmps[ncmp].datum_a = value;
    cmps[ncmp].datum_b = value2;
    ncmp++;
  }
  size_t n = names ? names->len : (name1 ? 1 : 0);
  for (size_t i = 0; i < n; i++) {
    const char *name = names ? names->items[i]->str : name1;
    if (!name) return berr_set(err, 0, "seccomp: syscall names must be strings");
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) continue;
    int r;
    if (same_index) {
      /* libseccomp ANDs the conditions of one rule and refuses two on the
       * same argument: such lists mean "any of", one rule each. */
      for (unsigned k = 0; k < ncmp; k++)
        if ((r = seccomp_rule_add_array(ctx, action, nr, 1, &cmps[k])) < 0)
          return berr_set(err, -r, "seccomp: add rule for %s", name);
    } else if ((r = seccomp_rule_add_array(ctx, action, nr, ncmp, cmps)) < 0) {
      return berr_set(err, -r, "seccomp: add rule for %s", name);
    }
  }
  return 0;
}

/* linux.seccomp.flags: the libseccomp attribute of each, and the seccomp(2)
 * flag that seccomp_load (libseccomp 2.5, src/system.c sys_filter_load)
 * passes for that attribute. */
static const struct { const char *n; enum scmp_filter_attr a; unsigned int kflag; } profile_flags[] = {
  {"SECCOMP_FILTER_FLAG_TSYNC", SCMP_FLTATR_CTL_TSYNC, SECCOMP_FILTER_FLAG_TSYNC},
  {"SECCOMP_FILTER_FLAG_LOG", SCMP_FLTATR_CTL_LOG, SECCOMP_FILTER_FLAG_LOG},
  {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SCMP_FLTATR_CTL_SSB, SECCOMP_FILTER_FLAG_SPEC_ALLOW},
};
#define NFLAGS (sizeof profile_flags / sizeof profile_flags[0])

/* linux.seccomp.flags → filter attributes; an unknown flag is an error
 * (crun), not a silently weaker filter. */
static int apply_flags(scmp_filter_ctx ctx, const struct json *sc, struct berr *err) {
  struct json *a = NULL;
  if (json_get_array(sc, "flags", &a, err) < 0) return berr_wrap(err, "seccomp: ");
  for (size_t i = 0; a && i < a->len; i++) {
    const struct json *f = a->items[i];
    if (f->type != JSON_STRING) return berr_set(err, 0, "config.json:%d:%d: seccomp flags must be strings", f->line, f->col);
    size_t k = 0;
    while (k < NFLAGS && strcmp(f->str, profile_flags[k].n)) k++;
    if (k == NFLAGS) return berr_set(err, 0, "config.json:%d:%d: seccomp: unsupported flag %s", f->line, f->col, f->str);
    int r = seccomp_attr_set(ctx, profile_flags[k].a, 1);
    if (r < 0) return berr_set(err, -r, "seccomp: flag %s", f->str);
  }
  return 0;
}

/* Whether the kernel knows a seccomp(2) filter flag, asked the way
 * libseccomp asks (_sys_chk_flag_kernel): a NULL program fails with EFAULT
 * only once the flags have been accepted. */
static bool kernel_has_flag(unsigned int flag) {
  return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

/* The seccomp(2) flags seccomp_load would use for this profile's flags
 * (NNP is off: proc_exec orders no_new_privs itself). With TSYNC, libseccomp
 * adds TSYNC_ESRCH when the kernel has it (it probes that flag whenever a
 * rule is added or TSYNC set, so always for our filters). Only for a profile
 * that libseccomp accepted before (its program is in the cache); false for
 * anything else, which then takes the libseccomp path. */
static bool kernel_flags(const struct json *sc, unsigned int *out) {
  struct json *a = NULL;
  struct berr e;
  unsigned int flags = 0;
  if (json_get_array(sc, "flags", &a, &e) < 0) return false;
  for (size_t i = 0; a && i < a->len; i++) {
    if (a->items[i]->type != JSON_STRING) return false;
    size_t k = 0;
    while (k < NFLAGS && strcmp(a->items[i]->str, profile_flags[k].n)) k++;
    if (k == NFLAGS) return false;
    flags |= profile_flags[k].kflag;
  }
  if ((flags & SECCOMP_FILTER_FLAG_TSYNC) && kernel_has_flag(SECCOMP_FILTER_FLAG_TSYNC_ESRCH))
    flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
  *out = flags;
  return true;
}

/* The libseccomp filter of a profile, checking all of it. */
static int build_ctx(const struct json *sc, scmp_filter_ctx *out, struct berr *err) {
  uint64_t def_errno = EPERM;
  int has_def_errno = json_get_u64(sc, "defaultErrnoRet", &def_errno, err);
  if (has_def_errno < 0) return berr_wrap(err, "seccomp: ");
  uint32_t def;
  if (parse_action(sc, "defaultAction", (uint32_t)def_errno, has_def_errno, &def, err) < 0) return -1;
  scmp_filter_ctx ctx = seccomp_init(def);
  if (!ctx) return berr_set(err, ENOMEM, "seccomp_init");
  int r;
  struct json *arches = NULL, *syscalls = NULL;
  if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0) { berr_set(err, -r, "seccomp: attribute"); goto fail; }
  if (json_get_array(sc, "architectures", &arches, err) < 0 || json_get_array(sc, "syscalls", &syscalls, err) < 0) goto fail;
  for (size_t i = 0; arches && i < arches->len; i++) {
    uint32_t a;
    if (arches->items[i]->type != JSON_STRING || parse_arch(arches->items[i]->str, &a) < 0) {
      berr_set(err, 0, "seccomp: unknown architecture %s", arches->items[i]->type == JSON_STRING ? arches->items[i]->str : "?");
      goto fail;
    }
    if ((r = seccomp_arch_add(ctx, a)) < 0 && r != -EEXIST) { berr_set(err, -r, "seccomp: add architecture %s", arches->items[i]->str); goto fail; }
  }
  if (apply_flags(ctx, sc, err) < 0) goto fail;
  for (size_t i = 0; syscalls && i < syscalls->len; i++)
    if (add_rule(ctx, syscalls->items[i], def, err) < 0) goto fail;
  *out = ctx;
  return 0;
fail:
  seccomp_release(ctx);
  return -1;
}

static int export_ctx(int fd, void *ctx) { return seccomp_export_bpf(ctx, fd) < 0 ? -1 : 0; }

/* The program of the profile's cache entry, and its flags. */
static bool from_cache(const struct bpf_cache *c, const struct json *sc, struct seccomp_filter *f) {
  if (!bpf_cache_get(c, &f->prog, &f->len)) return false;
  if (kernel_flags(sc, &f->flags)) return true;
  free(f->prog);
  f->prog = NULL;
  return false;
}

int seccomp_prepare(const struct json *sc, const char *cache_root, void **filter, struct berr *err) {
  *filter = NULL;
  if (!sc) return 0;
  struct seccomp_filter *f = calloc(1, sizeof *f);
  if (!f) return berr_set(err, ENOMEM, "seccomp");
  struct bpf_cache cache;
  bool have_cache = bpf_cache_open(cache_root, sc, &cache);
  if (!have_cache || !from_cache(&cache, sc, f)) {
    if (build_ctx(sc, &f->ctx, err) < 0) {
      bpf_cache_close(&cache);
      free(f);
      return -1;
    }
    /* Stored, then loaded from the cache like any later hit: libseccomp
     * generates the program once, not again in seccomp_load. An API level
     * under 2 (no seccomp(2), kernels before 3.17) would make seccomp_load
     * use prctl instead: not something to load from a cache. */
    if (have_cache && seccomp_api_get() >= 2 && bpf_cache_put(&cache, export_ctx, f->ctx) && from_cache(&cache, sc, f)) {
      seccomp_release(f->ctx);
      f->ctx = NULL;
    }
  }
  bpf_cache_close(&cache);
  *filter = f;
  return 0;
}

/* seccomp_load's system call for a program libseccomp generated before, and
 * its return values: -ESRCH when another thread could not be synchronised
 * (TSYNC without TSYNC_ESRCH: the kernel returns that thread's id), any
 * other failure of the kernel as -ECANCELED (SCMP_FLTATR_API_SYSRAWRC is
 * off), so that errors read the same either way. */
static int load_program(const struct seccomp_filter *f) {
  struct sock_fprog prog = {.len = f->len, .filter = f->prog};
  long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->flags, &prog);
  if (r > 0 && (f->flags & SECCOMP_FILTER_FLAG_TSYNC) && !(f->flags & SECCOMP_FILTER_FLAG_TSYNC_ESRCH)) return -ESRCH;
  return r < 0 ? -ECANCELED : 0;
}

int seccomp_load_filter(void *filter, struct berr *err) {
  const struct seccomp_filter *f = filter;
  int r = f->ctx ? seccomp_load(f->ctx) : load_program(f);
  if (r < 0) return berr_set(err, -r, "seccomp: load the filter");
  return 0;
}

void seccomp_free(void *filter) {
  struct seccomp_filter *f = filter;
  if (!f) return;
  if (f->ctx) seccomp_release(f->ctx);
  free(f->prog);
  free(f);
}

int seccomp_export(const struct json *sc, int fd, struct berr *err) {
  scmp_filter_ctx ctx;
  if (build_ctx(sc, &ctx, err) < 0) return -1;
  int r = seccomp_export_bpf(ctx, fd);
  seccomp_release(ctx);
  if (r < 0) return berr_set(err, -r, "seccomp: export the filter");
  return 0;
}
