/* The monitor's state, shared by the files of the event loop (container.c,
 * ctl.c, health.c, restart.c, loop.c). One instance, owned by main. */
#ifndef BERTH_SHIM_MONITOR_H
#define BERTH_SHIM_MONITOR_H

#include "shim/shim.h"

/* epoll tags: kind in the high 32 bits, an index in the low ones. */
enum tag { T_SIGNAL = 1, T_LISTEN, T_CLIENT, T_STDOUT, T_STDERR, T_PTY, T_TIMER, T_PROBE };
enum timer_id { TM_STOP, TM_RESTART, TM_HEALTH, TM_PROBE_TIMEOUT, TM_COUNT };

#define MAX_CLIENTS 16
enum client_kind { CL_FREE, CL_REQUEST, CL_STOP_WAIT, CL_ATTACH };
struct client {
  int fd;
  enum client_kind kind;
  bool stdin_once; /* attach: the client's end of input closes the container's stdin */
  size_t len;
  char buf[512];
};

struct health_cfg {
  bool enabled;
  char *argv[64];
  int64_t interval_ms, timeout_ms, start_period_ms, start_interval_ms;
  int retries;
  char strings[8192];
};

struct probe {
  pid_t pid; /* the `runtime exec` process, 0 when idle */
  int out_fd;
  bool timed_out;
  struct health_result res;
};

struct shim {
  struct shim_args args;
  struct runtime rt;
  struct cstate st;
  struct logw log;
  struct logstream out, err;
  struct health_cfg hc;
  struct probe probe;
  int epfd, sigfd, listen_fd;
  int timers[TM_COUNT];
  int report_fd;   /* fd 3 until the start is reported */
  int out_fd, err_fd, pty_fd, in_fd; /* container side of stdio, -1 when closed */
  char state_path[4096], pid_file[4096], shim_pid_file[4096], probe_pid_file[4096], oom_file[4096];
  char console_path[108];
  long oom_base;
  int64_t run_started_ms; /* monotonic, for the back-off reset */
  int backoff_step;
  bool stopping;  /* a stop (or kill) from the socket: no restart */
  bool finished;  /* leave the loop */
  struct client clients[MAX_CLIENTS];
};

/* loop.c */
int loop_add(struct shim *s, int fd, uint32_t events, enum tag t, uint32_t idx);
int loop_mod(struct shim *s, int fd, uint32_t events, enum tag t, uint32_t idx);
void loop_del(struct shim *s, int fd);
void timer_arm(struct shim *s, enum timer_id t, int64_t ms);
void timer_disarm(struct shim *s, enum timer_id t);
void save_state(struct shim *s);
int loop_run(struct shim *s);

/* container.c */
int container_start(struct shim *s, struct berr *err);
void container_read(struct shim *s, int fd, enum tag t);
void container_exited(struct shim *s, int status);
void container_settle(struct shim *s);
int container_signal(struct shim *s, int sig, struct berr *err);
void container_cleanup_files(struct shim *s);

/* restart.c */
bool restart_wanted(const struct shim *s);
int64_t restart_delay_ms(struct shim *s);
void restart_fire(struct shim *s);

/* health.c */
int health_load(struct health_cfg *hc, const char *path, struct berr *err);
void health_begin(struct shim *s);
void health_end(struct shim *s);
void health_timer(struct shim *s);
void health_probe_timeout(struct shim *s);
void health_probe_read(struct shim *s);
void health_probe_exited(struct shim *s, int status);

/* ctl.c */
int ctl_listen(struct shim *s, struct berr *err);
void ctl_accept(struct shim *s);
void ctl_client_event(struct shim *s, uint32_t idx, uint32_t events);
void ctl_broadcast_output(struct shim *s, const char *data, size_t n);
void ctl_container_gone(struct shim *s);
void ctl_close_all(struct shim *s);
void stop_timeout_fired(struct shim *s);
int ctl_stop(struct shim *s, int sig, int64_t timeout_ms, struct berr *err);

#endif
