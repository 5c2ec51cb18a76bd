/* OCI linux.seccomp → a libseccomp filter: defaultAction, architectures,
 * syscalls (names, action, errnoRet, args). Unknown syscall names are
 * skipped (profiles list syscalls of every architecture), as runc does. */
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "rt/process.h"

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

/* linux.seccomp.flags → filter attributes; an unknown flag is an error
 * (crun), not a silently weaker filter. */
static int apply_flags(scmp_filter_ctx ctx, const struct json *sc, struct berr *err) {
  static const struct { const char *n; enum scmp_filter_attr a; } flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SCMP_FLTATR_CTL_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SCMP_FLTATR_CTL_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SCMP_FLTATR_CTL_SSB},
  };
  struct json *a = NULL;
  if (json_get_array(sc, "flags", &a, err) < 0) return berr_wrap(err, "seccomp: ");
  for (size_t i = 0; a && i < a->len; i++) {
    const struct json *f = a->items[i];
    if (f->type != JSON_STRING) return berr_set(err, 0, "config.json:%d:%d: seccomp flags must be strings", f->line, f->col);
    size_t k = 0;
    while (k < sizeof flags / sizeof flags[0] && strcmp(f->str, flags[k].n)) k++;
    if (k == sizeof flags / sizeof flags[0]) return berr_set(err, 0, "config.json:%d:%d: seccomp: unsupported flag %s", f->line, f->col, f->str);
    int r = seccomp_attr_set(ctx, flags[k].a, 1);
    if (r < 0) return berr_set(err, -r, "seccomp: flag %s", f->str);
  }
  return 0;
}

int seccomp_prepare(const struct json *sc, void **filter, struct berr *err) {
  *filter = NULL;
  if (!sc) return 0;
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
  *filter = ctx;
  return 0;
fail:
  seccomp_release(ctx);
  return -1;
}

int seccomp_load_filter(void *filter, struct berr *err) {
  int r = seccomp_load((scmp_filter_ctx)filter);
  if (r < 0) return berr_set(err, -r, "seccomp: load the filter");
  return 0;
}
