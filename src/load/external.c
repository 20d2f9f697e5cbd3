/*
 * external.c - the safety rules for a tensor's external data.
 *
 * A model names its external data files itself, so a hostile model could
 * name /etc/shadow, ../../secret or a symlink that leads out of its folder
 * (ONNX's own loader had CVE-2022-25882 and CVE-2024-27318 for this).
 *
 * Invariants: only a relative location without ".." components is
 * considered; it is resolved with realpath (following every symlink) and
 * must then lie inside the model's resolved folder; the file is only
 * stat()ed here, never opened: its bytes are read when a value is needed.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "load/load.h"
#include "util/text.h"

#define NAME_BUF 200

static onnxlint_status refuse(onnxlint_model *m, onnxlint_error *err, onnxlint_status status, const ol_tensor *t,
                              const char *location, const char *why)
{
    if (!err)
        return status;
    char path[NAME_BUF], name[NAME_BUF], loc[NAME_BUF];
    ol_escape(path, sizeof path, m->path, strlen(m->path), false);
    ol_escape(name, sizeof name, t->name, strlen(t->name), false);
    ol_escape(loc, sizeof loc, location, strlen(location), false);
    snprintf(err->message, sizeof err->message, "%s: external data '%s' of tensor '%s' %s", path, loc, name, why);
    err->status = status;
    return status;
}

static bool has_dotdot(const char *location)
{
    const char *p = location;
    while (*p) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 2 && p[0] == '.' && p[1] == '.')
            return true;
        if (!end)
            break;
        p = end + 1;
    }
    return false;
}

/* Parses a decimal entry value; false unless it is all digits and fits. */
static bool parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s)
        return false;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return true;
}

onnxlint_status ol_external_resolve(onnxlint_model *m, ol_tensor *t, onnxlint_error *err)
{
    const Onnx__TensorProto *tp = t->proto;
    const char *location = NULL, *offset_s = NULL, *length_s = NULL;
    for (size_t i = 0; i < tp->n_external_data; i++) {
        const Onnx__StringStringEntryProto *e = tp->external_data[i];
        if (!e->key)
            continue;
        if (strcmp(e->key, "location") == 0)
            location = e->value;
        else if (strcmp(e->key, "offset") == 0)
            offset_s = e->value;
        else if (strcmp(e->key, "length") == 0)
            length_s = e->value;
    }
    if (!location || !location[0])
        return refuse(m, err, ONNXLINT_EMALFORMED, t, "", "has no location");
    if (!m->dir)
        return refuse(m, err, ONNXLINT_EUNSAFE, t, location,
                      "cannot be read: a model loaded from memory has no folder to read it from");
    if (location[0] == '/')
        return refuse(m, err, ONNXLINT_EUNSAFE, t, location,
                      "is an absolute path: only files inside the model's folder are read");
    if (has_dotdot(location))
        return refuse(m, err, ONNXLINT_EUNSAFE, t, location,
                      "contains '..': only files inside the model's folder are read");
    uint64_t offset = 0, length = 0;
    if (offset_s && !parse_u64(offset_s, &offset))
        return refuse(m, err, ONNXLINT_EMALFORMED, t, location, "has an offset that is not a number");
    if (length_s && !parse_u64(length_s, &length))
        return refuse(m, err, ONNXLINT_EMALFORMED, t, location, "has a length that is not a number");

    char joined[PATH_MAX], resolved[PATH_MAX];
    int n = snprintf(joined, sizeof joined, "%s/%s", m->dir, location);
    if (n < 0 || (size_t)n >= sizeof joined)
        return refuse(m, err, ONNXLINT_ELIMIT, t, location, "makes a path longer than PATH_MAX");
    if (!realpath(joined, resolved)) {
        char why[128];
        snprintf(why, sizeof why, "cannot be found next to the model (%s)", strerror(errno));
        return refuse(m, err, ONNXLINT_EIO, t, location, why);
    }
    size_t dir_len = strlen(m->dir);
    bool inside = strncmp(resolved, m->dir, dir_len) == 0 &&
                  (resolved[dir_len] == '/' || (dir_len == 1 && m->dir[0] == '/'));
    if (!inside)
        return refuse(m, err, ONNXLINT_EUNSAFE, t, location,
                      "resolves (through a symlink) outside the model's folder: refused");
    struct stat st;
    if (stat(resolved, &st) != 0) {
        char why[128];
        snprintf(why, sizeof why, "cannot be read (%s)", strerror(errno));
        return refuse(m, err, ONNXLINT_EIO, t, location, why);
    }
    if (!S_ISREG(st.st_mode))
        return refuse(m, err, ONNXLINT_EMALFORMED, t, location, "is not a regular file");
    uint64_t size = (uint64_t)st.st_size;
    if (offset > size)
        return refuse(m, err, ONNXLINT_EMALFORMED, t, location, "has an offset past the end of the file");
    if (!length_s)
        length = size - offset;
    if (length > size - offset) {
        char why[160];
        snprintf(why, sizeof why, "needs bytes %" PRIu64 "..%" PRIu64 " but the file has %" PRIu64, offset,
                 offset + length, size);
        return refuse(m, err, ONNXLINT_EMALFORMED, t, location, why);
    }
    unsigned bits = ol_elem_type_bits(t->elem_type);
    if (bits) {
        uint64_t need = t->count > UINT64_MAX / bits ? UINT64_MAX : (t->count * bits + 7) / 8;
        if (length < need) {
            char why[160];
            snprintf(why, sizeof why, "holds %" PRIu64 " bytes, its dims need %" PRIu64, length, need);
            return refuse(m, err, ONNXLINT_EMALFORMED, t, location, why);
        }
    }
    t->external_path = ol_arena_strndup(&m->arena, resolved, strlen(resolved));
    if (!t->external_path)
        return ONNXLINT_ENOMEM;
    t->external_offset = offset;
    t->external_length = length;
    m->n_external++;
    return ONNXLINT_OK;
}
