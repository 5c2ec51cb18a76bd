// File-system calls Node does not offer, for the image store: device nodes
// and fifos (overlay whiteouts are char devices 0:0), extended attributes on
// the link itself (trusted.overlay.opaque), rename without replacing; and for
// the state root, the inode flag that spreads a directory's children; and
// whether a path is a mount point, without reading every mount of the host.
#include "registry.h"
#include <cerrno>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <string>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <vector>

namespace {

std::string Str(const Napi::Value &v) { return v.As<Napi::String>().Utf8Value(); }

// mknod(path, mode, major, minor): mode includes the file type bits.
Napi::Value Mknod(const Napi::CallbackInfo &info) {
  std::string path = Str(info[0]);
  mode_t mode = info[1].As<Napi::Number>().Uint32Value();
  unsigned major_ = info[2].As<Napi::Number>().Uint32Value();
  unsigned minor_ = info[3].As<Napi::Number>().Uint32Value();
  if (mknod(path.c_str(), mode, makedev(major_, minor_)) != 0) berth::ThrowErrno(info.Env(), "mknod " + path, errno);
  return info.Env().Undefined();
}

Napi::Value Lsetxattr(const Napi::CallbackInfo &info) {
  std::string path = Str(info[0]);
  std::string name = Str(info[1]);
  Napi::Buffer<uint8_t> value = info[2].As<Napi::Buffer<uint8_t>>();
  if (lsetxattr(path.c_str(), name.c_str(), value.Data(), value.Length(), 0) != 0)
    berth::ThrowErrno(info.Env(), "lsetxattr " + path + " " + name, errno);
  return info.Env().Undefined();
}

// Returns a Buffer, or null when the attribute is absent.
Napi::Value Lgetxattr(const Napi::CallbackInfo &info) {
  std::string path = Str(info[0]);
  std::string name = Str(info[1]);
  ssize_t n = lgetxattr(path.c_str(), name.c_str(), nullptr, 0);
  if (n < 0) {
    if (errno == ENODATA || errno == ENOTSUP) return info.Env().Null();
    berth::ThrowErrno(info.Env(), "lgetxattr " + path + " " + name, errno);
  }
  std::vector<uint8_t> buf(n > 0 ? n : 1);
  n = lgetxattr(path.c_str(), name.c_str(), buf.data(), buf.size());
  if (n < 0) berth::ThrowErrno(info.Env(), "lgetxattr " + path + " " + name, errno);
  return Napi::Buffer<uint8_t>::Copy(info.Env(), buf.data(), n);
}

// The names of a path's extended attributes (not following a symlink); [] when unsupported.
Napi::Value Llistxattr(const Napi::CallbackInfo &info) {
  std::string path = Str(info[0]);
  Napi::Array out = Napi::Array::New(info.Env());
  for (int attempt = 0; attempt < 4; attempt++) {
    ssize_t n = llistxattr(path.c_str(), nullptr, 0);
    if (n < 0) {
      if (errno == ENOTSUP) return out;
      berth::ThrowErrno(info.Env(), "llistxattr " + path, errno);
    }
    if (n == 0) return out;
    std::vector<char> buf(n);
    n = llistxattr(path.c_str(), buf.data(), buf.size());
    if (n < 0 && errno == ERANGE) continue; // grew in between: ask again
    if (n < 0) berth::ThrowErrno(info.Env(), "llistxattr " + path, errno);
    uint32_t i = 0;
    for (ssize_t at = 0; at < n;) {
      std::string name(buf.data() + at);
      at += name.size() + 1;
      if (!name.empty()) out.Set(i++, Napi::String::New(info.Env(), name));
    }
    return out;
  }
  berth::ThrowErrno(info.Env(), "llistxattr " + path, ERANGE);
  return out;
}

// Renames only when the destination does not exist; returns false if it does.
Napi::Value RenameNoReplace(const Napi::CallbackInfo &info) {
  std::string from = Str(info[0]);
  std::string to = Str(info[1]);
  if (renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0) {
    if (errno == EEXIST) return Napi::Boolean::New(info.Env(), false);
    berth::ThrowErrno(info.Env(), "rename " + from + " " + to, errno);
  }
  return Napi::Boolean::New(info.Env(), true);
}

// Whether a path is the root of a mount (statx's STATX_ATTR_MOUNT_ROOT,
// Linux 5.8): true or false, false when it does not exist, null when the
// kernel does not say (the caller then reads /proc/self/mountinfo).
Napi::Value IsMountRoot(const Napi::CallbackInfo &info) {
  std::string path = Str(info[0]);
  struct statx st;
  if (statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_TYPE, &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Napi::Boolean::New(info.Env(), false);
    if (errno == ENOSYS) return info.Env().Null();
    berth::ThrowErrno(info.Env(), "statx " + path, errno);
  }
  if (!(st.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)) return info.Env().Null();
  return Napi::Boolean::New(info.Env(), (st.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0);
}

// Sets FS_TOPDIR_FL (`chattr +T`) on a directory: true when it carries the
// flag, false when its file system has no such flag (only ext2/3/4 do).
Napi::Value MarkTopDir(const Napi::CallbackInfo &info) {
  std::string path = Str(info[0]);
  int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) berth::ThrowErrno(info.Env(), "open " + path, errno);
  int flags = 0;
  bool ok = ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
  if (ok && !(flags & FS_TOPDIR_FL)) {
    flags |= FS_TOPDIR_FL;
    ok = ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
  }
  int err = errno;
  close(fd);
  if (!ok && err != ENOTTY && err != EOPNOTSUPP && err != EINVAL) berth::ThrowErrno(info.Env(), "chattr +T " + path, err);
  return Napi::Boolean::New(info.Env(), ok);
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("fsMknod", Napi::Function::New(env, Mknod));
  exports.Set("fsLsetxattr", Napi::Function::New(env, Lsetxattr));
  exports.Set("fsLgetxattr", Napi::Function::New(env, Lgetxattr));
  exports.Set("fsLlistxattr", Napi::Function::New(env, Llistxattr));
  exports.Set("fsRenameNoReplace", Napi::Function::New(env, RenameNoReplace));
  exports.Set("fsMarkTopDir", Napi::Function::New(env, MarkTopDir));
  exports.Set("fsIsMountRoot", Napi::Function::New(env, IsMountRoot));
}

BERTH_REGISTER(Register);

}  // namespace
