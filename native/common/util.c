#include "common/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"

int read_file_at(int dirfd, const char *path, char **out, size_t *lenp, struct berr *err) {
  cleanup_close int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return berr_sys(err, "open %s", path);
  return read_fd(fd, path, out, lenp, err);
}

int read_fd(int fd, const char *path, char **out, size_t *lenp, struct berr *err) {
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  if (!buf) return berr_set(err, ENOMEM, "read %s", path);
  for (;;) {
    if (len + 1 >= cap) {
      if (cap > (256u << 20)) { free(buf); return berr_set(err, EFBIG, "read %s", path); }
      char *n = realloc(buf, cap * 2);
      if (!n) { free(buf); return berr_set(err, ENOMEM, "read %s", path); }
      buf = n;
      cap *= 2;
    }
    ssize_t r = read(fd, buf + len, cap - len - 1);
    if (r < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      free(buf);
      return berr_set(err, e, "read %s", path);
    }
    if (r == 0) break;
    len += (size_t)r;
  }
  buf[len] = 0;
  *out = buf;
  if (lenp) *lenp = len;
  return 0;
}

int read_file(const char *path, char **out, size_t *len, struct berr *err) {
  return read_file_at(AT_FDCWD, path, out, len, err);
}

int write_file_at(int dirfd, const char *path, const char *data, struct berr *err) {
  cleanup_close int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return berr_sys(err, "open %s", path);
  size_t n = strlen(data);
  ssize_t w = write(fd, data, n);
  if (w < 0) return berr_sys(err, "write %s", path);
  if ((size_t)w != n) return berr_set(err, EIO, "write %s: short write", path);
  return 0;
}

int write_file(const char *path, const char *data, struct berr *err) {
  return write_file_at(AT_FDCWD, path, data, err);
}

int write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len) {
    ssize_t w = write(fd, p, len);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    len -= (size_t)w;
  }
  return 0;
}

static int replace_file(const char *path, const char *data, size_t len, mode_t mode, bool durable, struct berr *err) {
  cleanup_free char *tmp = xasprintf("%s.tmp.%d", path, getpid());
  if (!tmp) return berr_set(err, ENOMEM, "write %s", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return berr_sys(err, "open %s", tmp);
  if (write_all(fd, data, len) < 0 || (durable && fsync(fd) < 0)) {
    berr_sys(err, "write %s", tmp);
    close(fd);
    unlink(tmp);
    return -1;
  }
  close(fd);
  if (rename(tmp, path) < 0) {
    berr_sys(err, "rename %s", path);
    unlink(tmp);
    return -1;
  }
  return 0;
}

int write_file_atomic(const char *path, const char *data, size_t len, mode_t mode, struct berr *err) {
  return replace_file(path, data, len, mode, true, err);
}

int write_file_replace(const char *path, const char *data, size_t len, mode_t mode, struct berr *err) {
  return replace_file(path, data, len, mode, false, err);
}

int mkdir_p(const char *path, mode_t mode, struct berr *err) {
  cleanup_free char *p = strdup(path);
  if (!p) return berr_set(err, ENOMEM, "mkdir %s", path);
  for (char *s = p + 1; *s; s++) {
    if (*s != '/') continue;
    *s = 0;
    if (mkdir(p, mode) < 0 && errno != EEXIST) return berr_sys(err, "mkdir %s", p);
    *s = '/';
  }
  if (mkdir(p, mode) < 0 && errno != EEXIST) return berr_sys(err, "mkdir %s", p);
  return 0;
}

static int rm_rf_at(int dfd, const char *name, dev_t dev, struct berr *err) {
  struct stat st;
  if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno == ENOENT) return 0;
    return berr_sys(err, "stat %s", name);
  }
  if (!S_ISDIR(st.st_mode)) {
    if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT) return berr_sys(err, "unlink %s", name);
    return 0;
  }
  if (st.st_dev != dev) return berr_set(err, EBUSY, "remove %s: a mount point", name);
  int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return berr_sys(err, "open %s", name);
  cleanup_dir DIR *d = fdopendir(fd);
  if (!d) { close(fd); return berr_sys(err, "opendir %s", name); }
  struct dirent *de;
  while ((de = readdir(d))) {
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
    if (rm_rf_at(dirfd(d), de->d_name, dev, err) < 0) return -1;
  }
  if (unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT) return berr_sys(err, "rmdir %s", name);
  return 0;
}

int rm_rf(const char *path, struct berr *err) {
  struct stat st;
  if (lstat(path, &st) < 0) return errno == ENOENT ? 0 : berr_sys(err, "stat %s", path);
  return rm_rf_at(AT_FDCWD, path, st.st_dev, err);
}

char *xasprintf(const char *fmt, ...) {
  char *s = NULL;
  va_list ap;
  va_start(ap, fmt);
  if (vasprintf(&s, fmt, ap) < 0) s = NULL;
  va_end(ap);
  return s;
}

void now_rfc3339(char *buf, size_t n) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t k = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + k, n - k, ".%09ldZ", ts.tv_nsec);
}

int send_fd(int sock, int fd, const char *tag, struct berr *err) {
  char cbuf[CMSG_SPACE(sizeof(int))];
  memset(cbuf, 0, sizeof cbuf);
  struct iovec iov = {.iov_base = (void *)tag, .iov_len = strlen(tag) ? strlen(tag) : 1};
  if (!*tag) iov.iov_base = "\0";
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof(int));
  for (;;) {
    if (sendmsg(sock, &msg, MSG_NOSIGNAL) >= 0) return 0;
    if (errno != EINTR) return berr_sys(err, "send terminal fd");
  }
}

int recv_fd(int sock, int *fd, struct berr *err) {
  char cbuf[CMSG_SPACE(sizeof(int))];
  char data[256];
  struct iovec iov = {.iov_base = data, .iov_len = sizeof data};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
  ssize_t r;
  do r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); while (r < 0 && errno == EINTR);
  if (r < 0) return berr_sys(err, "receive terminal fd");
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_type != SCM_RIGHTS) return berr_set(err, EBADMSG, "receive terminal fd: no fd in message");
  memcpy(fd, CMSG_DATA(c), sizeof(int));
  return 0;
}
