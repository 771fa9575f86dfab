/*
 * newroot.c - the file system a sandbox sees.
 *
 * A fresh tmpfs becomes the root, holding only what compiling and checking
 * need: /usr read-only (the compiler, headers, libraries; /bin, /lib ...
 * are symbolic links into it on a merged-/usr system), a handful of /etc
 * files (name resolution, the loader's cache; no passwd, no shadow), four
 * device nodes, a fresh /proc, a size-capped tmpfs /tmp, the job's own
 * directory read-only at /job and the lesson's checker at /checker.  So
 * neither `#include "/etc/passwd"` nor a program looking for solutions/,
 * other submissions or the grades can find them: they are not there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "grader.h"
#include "sandbox.h"

static const char *etc_files[] = { "hosts", "nsswitch.conf", "services", "protocols",
                                   "gai.conf", "host.conf", "ld.so.cache", NULL };
static const char *dev_nodes[] = { "null", "zero", "urandom", "random", "full", NULL };
static const char *top_dirs[] = { "bin", "sbin", "lib", "lib64", "lib32", "libx32", NULL };

static int failed(char *err, size_t n, const char *what, const char *path)
{
    snprintf(err, n, "%s %s: %s", what, path, strerror(errno));
    return -1;
}

/* Mount flags that a remount must keep (a user namespace may not drop them). */
static unsigned long kept_flags(const char *path)
{
    struct statvfs v;
    unsigned long f = 0;
    if (statvfs(path, &v) != 0) return 0;
    if (v.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
    if (v.f_flag & ST_NOATIME) f |= MS_NOATIME;
    if (v.f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
    if (v.f_flag & ST_RELATIME) f |= MS_RELATIME;
    return f;
}

/* Bind src at dst (creating dst as a directory or an empty file), read-only. */
static int bind_ro(const char *src, const char *dst, int nosuid_nodev, char *err, size_t n)
{
    struct stat st;
    if (stat(src, &st) != 0) return failed(err, n, "cannot find", src);
    if (S_ISDIR(st.st_mode) ? mkdir(dst, 0755) != 0 && errno != EEXIST
                            : mknod(dst, S_IFREG | 0644, 0) != 0 && errno != EEXIST)
        return failed(err, n, "cannot create", dst);
    if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) != 0)
        return failed(err, n, "cannot bind-mount", src);
    unsigned long f = MS_REMOUNT | MS_BIND | MS_RDONLY | kept_flags(dst) |
                      (nosuid_nodev ? MS_NOSUID | MS_NODEV : 0);
    if (mount(NULL, dst, NULL, f, NULL) != 0)
        return failed(err, n, "cannot make read-only", dst);
    return 0;
}

static int copy_in(const char *src, const char *dst)
{
    size_t len;
    char *data = read_file(src, 8 << 20, &len);
    if (!data) return 0;   /* the machine has no such file: neither will the sandbox */
    int fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int ok = fd >= 0 && write_all(fd, data, len) == 0;
    if (fd >= 0) close(fd);
    free(data);
    return ok ? 0 : -1;
}

int make_root(const struct box *b, int fresh_proc, char *err, size_t n)
{
    const char *r = b->rootdir;
    char p[PATH_MAX], q[PATH_MAX];
#define AT(fmt, ...) (snprintf(p, sizeof p, "%s/" fmt, r, __VA_ARGS__), p)
    /* Nothing we mount may propagate back to the machine's mount table. */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        return failed(err, n, "cannot make private", "/");
    if (mount("tmpfs", r, "tmpfs", MS_NOSUID | MS_NODEV, "size=8m,mode=755") != 0)
        return failed(err, n, "cannot mount a tmpfs on", r);
    if (bind_ro("/usr", AT("%s", "usr"), 0, err, n) != 0)
        return -1;
    for (int i = 0; top_dirs[i]; i++) {
        struct stat st;
        snprintf(q, sizeof q, "/%s", top_dirs[i]);
        if (lstat(q, &st) != 0) continue;
        if (S_ISLNK(st.st_mode)) {   /* merged /usr: /bin -> usr/bin */
            char target[PATH_MAX];
            ssize_t len = readlink(q, target, sizeof target - 1);
            if (len < 0) return failed(err, n, "cannot read the link", q);
            target[len] = 0;
            if (symlink(target, AT("%s", top_dirs[i])) != 0)
                return failed(err, n, "cannot create", p);
        } else if (S_ISDIR(st.st_mode) && bind_ro(q, AT("%s", top_dirs[i]), 0, err, n) != 0) {
            return -1;
        }
    }
    if (mkdir(AT("%s", "etc"), 0755) != 0) return failed(err, n, "cannot create", p);
    for (int i = 0; etc_files[i]; i++) {
        snprintf(q, sizeof q, "/etc/%s", etc_files[i]);
        if (copy_in(q, AT("etc/%s", etc_files[i])) != 0) return failed(err, n, "cannot write", p);
    }
    if (mkdir(AT("%s", "dev"), 0755) != 0) return failed(err, n, "cannot create", p);
    for (int i = 0; dev_nodes[i]; i++) {
        snprintf(q, sizeof q, "/dev/%s", dev_nodes[i]);
        if (access(q, F_OK) != 0) continue;
        if (mknod(AT("dev/%s", dev_nodes[i]), S_IFREG | 0666, 0) != 0 ||
            mount(q, p, NULL, MS_BIND, NULL) != 0)
            return failed(err, n, "cannot bind-mount", q);
    }
    const char *links[][2] = { { "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
                               { "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" } };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
        if (symlink(links[i][0], AT("dev/%s", links[i][1])) != 0)
            return failed(err, n, "cannot create", p);
    /* The one writable place: capped, so a program filling the disk fills this. */
    if (mkdir(AT("%s", "tmp"), 01777) != 0 ||
        mount("tmpfs", p, "tmpfs", MS_NOSUID | MS_NODEV, "size=" SANDBOX_TMP_SIZE ",mode=1777") != 0)
        return failed(err, n, "cannot mount the tmpfs", p);
    if (bind_ro(b->jobdir, AT("%s", "job"), 1, err, n) != 0)
        return -1;
    if (mkdir(AT("%s", "checker"), 0755) != 0) return failed(err, n, "cannot create", p);
    if (bind_ro(b->checker, AT("checker/check-%s", b->lesson), 1, err, n) != 0)
        return -1;
    if (mkdir(AT("%s", "proc"), 0555) != 0) return failed(err, n, "cannot create", p);
    if (fresh_proc ? mount("proc", p, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0
                   : mount("/proc", p, NULL, MS_BIND | MS_REC, NULL) != 0)
        return failed(err, n, "cannot mount", p);
    if (mkdir(AT("%s", ".old"), 0700) != 0) return failed(err, n, "cannot create", p);
    if (syscall(SYS_pivot_root, r, p) != 0) return failed(err, n, "cannot pivot_root to", r);
    if (chdir("/") != 0) return failed(err, n, "cannot enter", "/");
    /* Drop the machine's tree from view: after this, only the above exists. */
    if (umount2("/.old", MNT_DETACH) != 0) return failed(err, n, "cannot detach", "the old root");
    rmdir("/.old");
    if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) != 0)
        return failed(err, n, "cannot make read-only", "the new root");
#undef AT
    return 0;
}
