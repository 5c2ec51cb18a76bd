/* berth-runtime: an OCI runtime command line over native/rt, behaving like
 * runc and crun (same commands, state JSON, exit codes). Errors are printed
 * as one line on stderr and exit with status 1. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/json.h"
#include "common/util.h"
#include "runtime/commands.h"

#define VERSION "0.1.0"

static const struct {
  const char *name;
  int (*fn)(const struct globals *, int, char **, struct berr *);
} commands[] = {
  {"create", cmd_create}, {"start", cmd_start}, {"state", cmd_state}, {"kill", cmd_kill},
  {"delete", cmd_delete}, {"pause", cmd_pause}, {"resume", cmd_resume}, {"list", cmd_list},
  {"run", cmd_run}, {"exec", cmd_exec}, {"ps", cmd_ps}, {"events", cmd_events}, {"update", cmd_update},
  {"seccomp-bpf", cmd_seccomp_bpf},
};

static const char *log_path, *log_format;

void log_error(const char *msg) {
  if (!log_path) return;
  FILE *f = fopen(log_path, "ae");
  if (!f) return;
  char ts[64];
  now_rfc3339(ts, sizeof ts);
  if (log_format && !strcmp(log_format, "json")) {
    struct jbuf b = {0};
    jb_raw(&b, "{\"level\":\"error\",\"msg\":");
    jb_str(&b, msg);
    jb_raw(&b, ",\"time\":");
    jb_str(&b, ts);
    jb_raw(&b, "}\n");
    if (b.data) fputs(b.data, f);
    jb_free(&b);
  } else {
    fprintf(f, "time=\"%s\" level=error msg=\"%s\"\n", ts, msg);
  }
  fclose(f);
}

static void usage(FILE *f) {
  fprintf(f,
          "usage: berth-runtime [--root dir] [--log file] [--log-format text|json] <command> [options] <id>\n"
          "commands: create start state kill delete run exec list pause resume ps events update\n"
          "          seccomp-bpf (the BPF program of the bundle's seccomp profile, on stdout)\n");
}

int main(int argc, char **argv) {
  struct globals g = {.root = "/run/berth-runtime"};
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *a = argv[i];
    const char *val = NULL;
    const char *name = a + (a[1] == '-' ? 2 : 1);
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
#define IS(n) (len == strlen(n) && !strncmp(name, n, len))
    bool takes = IS("root") || IS("log") || IS("log-format") || IS("criu");
    if (takes) {
      if (eq) val = eq + 1;
      else if (i + 1 < argc) val = argv[++i];
      else { fprintf(stderr, "option %s needs a value\n", a); return 1; }
    }
    if (IS("root")) g.root = val;
    else if (IS("log")) log_path = val;
    else if (IS("log-format")) log_format = val;
    else if (IS("version") || IS("v")) { printf("berth-runtime version " VERSION "\nspec: 1.0.2\n"); return 0; }
    else if (IS("help") || IS("h")) { usage(stdout); return 0; }
    else if (IS("debug") || IS("systemd-cgroup") || IS("rootless") || IS("criu")) continue;
    else { fprintf(stderr, "unknown global option %s\n", a); return 1; }
#undef IS
  }
  if (i >= argc) { usage(stderr); return 1; }
  const char *cmd = argv[i];
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) { printf("berth-runtime version " VERSION "\nspec: 1.0.2\n"); return 0; }
  for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++) {
    if (strcmp(cmd, commands[k].name)) continue;
    struct berr err = {0};
    int r = commands[k].fn(&g, argc - i - 1, argv + i + 1, &err);
    if (r < 0) {
      fflush(stdout);
      fprintf(stderr, "%s\n", err.msg);
      log_error(err.msg);
      return 1;
    }
    return r;
  }
  fprintf(stderr, "unknown command %s\n", cmd);
  usage(stderr);
  return 1;
}
