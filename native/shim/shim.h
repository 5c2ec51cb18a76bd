/* berth-shim: the per-container monitor. One process per container, single
 * threaded, driven by an epoll loop. It runs the container through an OCI
 * runtime command line (berth-runtime, runc, crun), owns its stdio, writes the
 * json-file log, records exits in state.json, restarts and healthchecks it,
 * and answers a control socket. See PROTOCOL.md for the contract. */
#ifndef BERTH_SHIM_H
#define BERTH_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "common/cleanup.h"
#include "common/error.h"
#include "common/signal.h"

/* ---- args.c ---------------------------------------------------------- */
enum restart_policy { RESTART_NO, RESTART_ALWAYS, RESTART_ON_FAILURE, RESTART_UNLESS_STOPPED };

/* ---- ports.c: host port reservations ----------------------------------- */
struct reservation {
  bool udp, v6;
  int port, fd;
  char addr[64];
};
int reserve_parse(struct reservation *r, const char *spec, struct berr *err);
int reserve_bind(struct reservation *r, struct berr *err);

struct shim_args {
  const char *id, *bundle, *state_dir, *socket, *runtime, *runtime_root;
  const char *log_path, *health_path;
  int64_t log_max_size; /* bytes; 0 = unlimited */
  int log_max_file;     /* files kept, >= 1 */
  enum restart_policy restart;
  int restart_max; /* on-failure:N, 0 = unlimited */
  bool tty, open_stdin;
  int stop_signal;
  int stop_timeout; /* seconds */
  struct reservation *reserve; /* --reserve, bound in prepare() */
  int n_reserve;
};

int args_parse(struct shim_args *a, int argc, char **argv, struct berr *err);

/* ---- util.c: time and files ------------------------------------------ */
#define RFC3339_LEN 64
void fmt_rfc3339(char out[RFC3339_LEN], const struct timespec *ts);
struct timespec now_real(void);
int64_t now_mono_ms(void);
int write_file_atomic(const char *path, const char *data, size_t len, struct berr *err);
int set_nonblock(int fd);

/* ---- json.c: a streaming writer and a small reader -------------------- */
struct jw {
  int fd;       /* < 0: count only (used to size a log entry before writing) */
  size_t count; /* bytes produced so far */
  size_t len;
  bool failed;
  char buf[4096];
};
void jw_init(struct jw *w, int fd);
void jw_raw(struct jw *w, const char *s, size_t n);
void jw_lit(struct jw *w, const char *s);
void jw_str(struct jw *w, const char *s, size_t n); /* quoted, escaped, invalid UTF-8 -> U+FFFD */
void jw_int(struct jw *w, long long v);
int jw_flush(struct jw *w);

/* Calls cb for each member of the top-level object; val..vend is the raw value. */
typedef int (*json_member_cb)(void *ctx, const char *key, const char *val, const char *vend);
int json_object_each(const char *buf, size_t len, json_member_cb cb, void *ctx);
int json_get_str(const char *val, const char *vend, char *out, size_t outsz);
int json_get_num(const char *val, const char *vend, double *out);
/* A JSON array of strings, copied NUL-separated into out; argv points into out. */
int json_get_str_array(const char *val, const char *vend, char *out, size_t outsz, char **argv, int maxargs,
                       int *argc);

/* ---- log.c: Docker json-file writer ----------------------------------- */
#define LOG_LINE_MAX 16384
struct logw {
  int fd;
  const char *path;
  int64_t size, max_size;
  int max_file;
};
struct logstream {
  const char *name; /* "stdout" | "stderr" */
  size_t len;
  char buf[LOG_LINE_MAX];
};
int logw_open(struct logw *l, const char *path, int64_t max_size, int max_file, struct berr *err);
/* Splits data into lines and writes one entry per line; keeps the partial tail. */
int logstream_feed(struct logw *l, struct logstream *s, const char *data, size_t n, struct berr *err);
/* Writes a pending partial line (at EOF). */
int logstream_flush(struct logw *l, struct logstream *s, struct berr *err);

/* ---- state.c: the container record ------------------------------------ */
enum cstatus { ST_CREATED, ST_RUNNING, ST_PAUSED, ST_RESTARTING, ST_EXITED, ST_DEAD };
enum hstatus { H_NONE = -1, H_STARTING, H_HEALTHY, H_UNHEALTHY };
#define HEALTH_LOG_MAX 5
#define HEALTH_OUTPUT_MAX 4096
struct health_result {
  struct timespec start, end;
  int exit_code;
  size_t outlen;
  char output[HEALTH_OUTPUT_MAX];
};
struct cstate {
  const char *id;
  enum cstatus status;
  pid_t pid, shim_pid;
  int exit_code, signal;
  bool oom_killed;
  struct timespec started, finished;
  bool has_started, has_finished;
  int restart_count;
  char error[1024]; /* empty: null */
  enum hstatus health;
  int failing_streak;
  int nlog; /* results in log[], oldest first */
  struct health_result log[HEALTH_LOG_MAX];
};
void state_emit(struct jw *w, const struct cstate *st);
int state_save(const struct cstate *st, const char *path, struct berr *err);

/* ---- runtime.c: the OCI runtime command line --------------------------- */
struct runtime {
  const char *path, *root, *id;
};
/* Spawns `runtime [--root R] argv...` with the given stdio (-1: /dev/null). */
int runtime_spawn(const struct runtime *rt, const char *const *argv, int in, int out, int errfd, pid_t *pid,
                  struct berr *err);
/* Runs a runtime command to completion (timeout_ms), fails with its stderr text. */
int runtime_run(const struct runtime *rt, const char *const *argv, int timeout_ms, struct berr *err);
/* Waits for a spawned runtime command while collecting the output of errfd and
 * (when consock >= 0) receiving a terminal master fd sent over consock. */
int runtime_wait(pid_t pid, int errfd, int consock, int *ptyfd, char *outbuf, size_t outsz, int timeout_ms,
                 int *status, struct berr *err);
/* The message of a failed runtime command, from its stderr text. */
void runtime_error_text(const char *text, int status, char *out, size_t outsz);

#endif
