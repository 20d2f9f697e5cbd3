/*
 * file.c - opening the files a user names, without blocking (see file.h).
 */
#define _GNU_SOURCE
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *ol_fopen_regular(const char *path, char *why, size_t why_len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        snprintf(why, why_len, "%s", strerror(errno));
        return NULL;
    }
    struct stat st;
    const char *reason = NULL;
    int saved = 0;
    if (fstat(fd, &st) != 0) {
        saved = errno;
        reason = strerror(errno);
    } else if (S_ISDIR(st.st_mode)) {
        saved = EISDIR;
        reason = "is a directory";
    } else if (!S_ISREG(st.st_mode)) {
        saved = EINVAL;
        reason = "is not a regular file (a FIFO, a device...)";
    } else {
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
            saved = errno;
            reason = strerror(errno);
        }
    }
    FILE *f = reason ? NULL : fdopen(fd, "rb");
    if (!f) {
        if (!reason) {
            saved = errno;
            reason = strerror(errno);
        }
        snprintf(why, why_len, "%s", reason);
        close(fd);
        errno = saved;
    }
    return f;
}
