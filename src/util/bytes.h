/*
 * bytes.h - copying and comparing short runs of bytes without a library
 * call: most names of a graph are a few bytes, and a call to memcpy or
 * memcmp costs more than the bytes themselves.
 *
 * A run of 4 to 16 bytes is covered by two loads of 4 or 8 bytes that
 * overlap in the middle; no byte outside [p, p + len) of either side is
 * read or written.
 */
#ifndef OL_BYTES_H
#define OL_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Copies len bytes from src to dst (which do not overlap). */
static inline void ol_copy_short(void *dst, const void *src, size_t len)
{
    char *d = dst;
    const char *s = src;
    if (len >= 8 && len <= 16) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + len - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + len - 8, &b, 8);
    } else if (len >= 4 && len < 8) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + len - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + len - 4, &b, 4);
    } else if (len && len < 4) {
        d[0] = s[0];
        d[len / 2] = s[len / 2];
        d[len - 1] = s[len - 1];
    } else if (len) {
        memcpy(d, s, len);
    }
}

/* Whether the len bytes at a and at b are the same. */
static inline bool ol_same_short(const void *a, const void *b, size_t len)
{
    const char *x = a, *y = b;
    if (len >= 8 && len <= 16) {
        uint64_t x0, x1, y0, y1;
        memcpy(&x0, x, 8);
        memcpy(&x1, x + len - 8, 8);
        memcpy(&y0, y, 8);
        memcpy(&y1, y + len - 8, 8);
        return x0 == y0 && x1 == y1;
    }
    if (len >= 4 && len < 8) {
        uint32_t x0, x1, y0, y1;
        memcpy(&x0, x, 4);
        memcpy(&x1, x + len - 4, 4);
        memcpy(&y0, y, 4);
        memcpy(&y1, y + len - 4, 4);
        return x0 == y0 && x1 == y1;
    }
    if (len < 4)
        return !len || (x[0] == y[0] && x[len / 2] == y[len / 2] && x[len - 1] == y[len - 1]);
    return memcmp(x, y, len) == 0;
}

#endif
