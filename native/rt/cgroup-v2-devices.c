/* Device rules on cgroup v2: an eBPF program of type CGROUP_DEVICE, built
 * from the OCI rules (plus the devices every container needs, as on v1) and
 * attached to the container's cgroup. The rules are evaluated last to first
 * and the first match decides, which is v1's "last rule wins"; no match
 * denies. Hand-assembled: a few instructions per rule, no libbpf. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "rt/cgroup.h"

struct rule {
  bool allow;
  char type;          /* a, b, c */
  int64_t major, minor;
  unsigned access;    /* BPF_DEVCG_ACC_* bits */
};

struct prog {
  struct bpf_insn *insns;
  size_t n, cap;
};

static int emit(struct prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  if (p->n == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 64;
    struct bpf_insn *n = realloc(p->insns, cap * sizeof *n);
    if (!n) return -1;
    p->insns = n;
    p->cap = cap;
  }
  p->insns[p->n++] = (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
  return 0;
}

static unsigned access_bits(const char *a) {
  unsigned bits = 0;
  for (; a && *a; a++) bits |= *a == 'r' ? BPF_DEVCG_ACC_READ : *a == 'w' ? BPF_DEVCG_ACC_WRITE : *a == 'm' ? BPF_DEVCG_ACC_MKNOD : 0;
  return bits ? bits : BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;
}

/* One rule: checks that jump to the next rule on a mismatch, then the verdict. */
static int emit_rule(struct prog *p, const struct rule *r) {
  unsigned all = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;
  int checks = (r->type != 'a') + (r->access != all ? 3 : 0) + (r->major >= 0) + (r->minor >= 0);
  int left = checks + 2; /* instructions after the first check, up to and including exit */
  /* r2 = type, r3 = access, r4 = major, r5 = minor */
  if (r->type != 'a') {
    left--;
    if (emit(p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, (int16_t)left, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR) < 0) return -1;
  }
  if (r->access != all) {
    /* the request must be a subset: (access & ~allowed) == 0 */
    left -= 3;
    if (emit(p, BPF_ALU | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0) < 0 ||
        emit(p, BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0, (int32_t)(~r->access & all)) < 0 ||
        emit(p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_1, 0, (int16_t)left, 0) < 0)
      return -1;
  }
  if (r->major >= 0) {
    left--;
    if (emit(p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, (int16_t)left, (int32_t)r->major) < 0) return -1;
  }
  if (r->minor >= 0) {
    left--;
    if (emit(p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, (int16_t)left, (int32_t)r->minor) < 0) return -1;
  }
  if (emit(p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, r->allow ? 1 : 0) < 0 ||
      emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0) < 0)
    return -1;
  return 0;
}

static int collect_rules(const struct spec *s, struct rule **out, size_t *n) {
  static const struct { char t; int ma, mi; } defaults[] = {
    {'c', 1, 3}, {'c', 1, 5}, {'c', 1, 7}, {'c', 1, 8}, {'c', 1, 9}, {'c', 5, 0}, {'c', 5, 1}, {'c', 5, 2}, {'c', 10, 200}, {'c', 136, -1}};
  size_t cap = s->res.ndevrules + s->ndevices + 16;
  struct rule *v = calloc(cap, sizeof *v);
  if (!v) return -1;
  size_t k = 0;
  for (size_t i = 0; i < s->res.ndevrules; i++) {
    const struct devrule_spec *d = &s->res.devrules[i];
    v[k++] = (struct rule){d->allow, d->type, d->type == 'a' ? -1 : d->major, d->type == 'a' ? -1 : d->minor, access_bits(d->access)};
  }
  for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
    v[k++] = (struct rule){true, defaults[i].t, defaults[i].ma, defaults[i].mi, access_bits("rwm")};
  v[k++] = (struct rule){true, 'c', -1, -1, BPF_DEVCG_ACC_MKNOD};
  v[k++] = (struct rule){true, 'b', -1, -1, BPF_DEVCG_ACC_MKNOD};
  for (size_t i = 0; i < s->ndevices; i++) {
    const struct dev_spec *d = &s->devices[i];
    if (d->type == 'p') continue;
    v[k++] = (struct rule){true, d->type == 'b' ? 'b' : 'c', d->major, d->minor, access_bits("rwm")};
  }
  *out = v;
  *n = k;
  return 0;
}

int cgroup_v2_apply_devices(const struct cgroup *cg, const struct spec *s, struct berr *err) {
  if (!s->res.ndevrules) return 0; /* no rules: no program, as on v1 */
  cleanup_free struct rule *rules = NULL;
  size_t n = 0;
  struct prog p = {0};
  if (collect_rules(s, &rules, &n) < 0) return berr_set(err, ENOMEM, "device rules");
  int bad =
    emit(&p, BPF_LDX | BPF_W | BPF_MEM, BPF_REG_2, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, access_type), 0) < 0 ||
    emit(&p, BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xFFFF) < 0 ||
    emit(&p, BPF_LDX | BPF_W | BPF_MEM, BPF_REG_3, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, access_type), 0) < 0 ||
    emit(&p, BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16) < 0 ||
    emit(&p, BPF_LDX | BPF_W | BPF_MEM, BPF_REG_4, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, major), 0) < 0 ||
    emit(&p, BPF_LDX | BPF_W | BPF_MEM, BPF_REG_5, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, minor), 0) < 0;
  /* A rule that matches everything ends the program: what follows would be
   * unreachable, which the verifier refuses. */
  bool closed = false;
  for (size_t i = n; !bad && !closed && i-- > 0;) {
    bad = emit_rule(&p, &rules[i]) < 0;
    closed = rules[i].type == 'a' && rules[i].major < 0 && rules[i].minor < 0 && rules[i].access == access_bits("rwm");
  }
  if (!closed) bad = bad || emit(&p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0) < 0 || emit(&p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0) < 0;
  if (bad) { free(p.insns); return berr_set(err, ENOMEM, "device rules"); }
  static char log[65536];
  log[0] = 0;
  union bpf_attr load;
  memset(&load, 0, sizeof load);
  load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  load.insns = (uint64_t)(uintptr_t)p.insns;
  load.insn_cnt = (uint32_t)p.n;
  load.license = (uint64_t)(uintptr_t)"Apache-2.0";
  int prog = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &load, sizeof load);
  if (prog < 0 && errno == EINVAL) {
    /* again with the verifier's log, to say why */
    load.log_buf = (uint64_t)(uintptr_t)log;
    load.log_size = sizeof log;
    load.log_level = 1;
    prog = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &load, sizeof load);
  }
  free(p.insns);
  if (prog < 0) {
    int e = errno;
    char *last = log[0] ? log + strlen(log) - 1 : log;
    while (last > log && (*last == '\n')) *last-- = 0;
    char *nl = strchr(log, '\n'); /* the verifier's first line says why */
    if (nl) *nl = 0;
    return berr_set(err, e, "load the device rules (eBPF)%s%s", log[0] ? ": " : "", log);
  }
  cleanup_close int progfd = prog;
  cleanup_close int cgfd = open(cg->dirs[0], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cgfd < 0) return berr_sys(err, "open %s", cg->dirs[0]);
  union bpf_attr attach;
  memset(&attach, 0, sizeof attach);
  attach.target_fd = (uint32_t)cgfd;
  attach.attach_bpf_fd = (uint32_t)progfd;
  attach.attach_type = BPF_CGROUP_DEVICE;
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  if (syscall(SYS_bpf, BPF_PROG_ATTACH, &attach, sizeof attach) < 0) return berr_sys(err, "attach the device rules to %s", cg->dirs[0]);
  return 0;
}
