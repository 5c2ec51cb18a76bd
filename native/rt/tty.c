#include "rt/tty.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"

int tty_open(int *master, int *slave, int rows, int cols, struct berr *err) {
  cleanup_close int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0) return berr_sys(err, "terminal: open /dev/ptmx");
  int unlock = 0, n = -1;
  if (ioctl(m, TIOCSPTLCK, &unlock) < 0) return berr_sys(err, "terminal: unlock pty");
  if (ioctl(m, TIOCGPTN, &n) < 0) return berr_sys(err, "terminal: pty number");
  char path[64];
  snprintf(path, sizeof path, "/dev/pts/%d", n);
  int s = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0) return berr_sys(err, "terminal: open %s", path);
  if (rows > 0 && cols > 0) {
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    ioctl(s, TIOCSWINSZ, &ws);
  }
  *master = steal_fd(m);
  *slave = s;
  return 0;
}

int tty_attach_stdio(int slave, struct berr *err) {
  if (setsid() < 0) return berr_sys(err, "terminal: setsid");
  if (ioctl(slave, TIOCSCTTY, 0) < 0) return berr_sys(err, "terminal: set controlling terminal");
  for (int fd = 0; fd < 3; fd++)
    if (dup2(slave, fd) < 0) return berr_sys(err, "terminal: dup2");
  return 0;
}

int tty_send_console(const char *socket_path, int master, struct berr *err) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(socket_path) >= sizeof addr.sun_path) return berr_set(err, ENAMETOOLONG, "console socket %s", socket_path);
  strcpy(addr.sun_path, socket_path);
  cleanup_close int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) return berr_sys(err, "console socket");
  if (connect(s, (struct sockaddr *)&addr, sizeof addr) < 0) return berr_sys(err, "connect console socket %s", socket_path);
  return send_fd(s, master, "/dev/ptmx", err);
}
