/*
 * writer.c - see writer.h.
 */
#include "util/writer.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/text.h"

void ol_out_init(ol_sink *out, onnxlint_write_fn write, void *ctx)
{
    out->write = write;
    out->ctx = ctx;
    out->failed = false;
    out->len = 0;
    out->drains = 0;
}

static void drain(ol_sink *out)
{
    if (out->len && !out->failed && out->write(out->ctx, out->buf, out->len) != 0)
        out->failed = true;
    out->len = 0;
    out->drains++;
}

void ol_out_room(ol_sink *out, size_t n)
{
    if (n > sizeof out->buf - out->len)
        drain(out);
}

void ol_out_bytes_slow(ol_sink *out, const char *data, size_t len)
{
    if (out->failed)
        return;
    if (len > sizeof out->buf - out->len) {
        drain(out);
        if (len > sizeof out->buf) {
            if (!out->failed && out->write(out->ctx, data, len) != 0)
                out->failed = true;
            return;
        }
    }
    memcpy(out->buf + out->len, data, len);
    out->len += len;
}

void ol_out_printf(ol_sink *out, const char *fmt, ...)
{
    char small[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        ol_out_bytes(out, small, (size_t)n);
        return;
    }
    /* Rare: longer than the stack buffer; write it in two goes. */
    char big[16384];
    va_start(ap, fmt);
    n = vsnprintf(big, sizeof big, fmt, ap);
    va_end(ap);
    ol_out_bytes(out, big, (size_t)n < sizeof big ? (size_t)n : sizeof big - 1);
}

void ol_out_name(ol_sink *out, const char *s)
{
    /* Printable ASCII (most names) is copied as it is checked. */
    char *dst = out->buf + out->len;
    size_t room = sizeof out->buf - out->len, i = 0;
    while (i < room && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f) {
        dst[i] = s[i];
        i++;
    }
    if (i < room && !s[i]) {
        out->len += i;
        return;
    }
    size_t len = strlen(s);
    if (ol_is_plain(s, len)) {
        ol_out_bytes(out, s, len);
        return;
    }
    char buf[1024];
    size_t need = ol_escape(buf, sizeof buf, s, len, false);
    ol_out_bytes(out, buf, need < sizeof buf ? need : strlen(buf));
}

void ol_out_pad_slow(ol_sink *out, size_t n)
{
    static const char spaces[] = "                                ";
    while (n) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        ol_out_bytes(out, spaces, k);
        n -= k;
    }
}

bool ol_out_flush(ol_sink *out)
{
    drain(out);
    return !out->failed;
}

size_t ol_display_width(const char *s)
{
    bool verbatim;
    return ol_display_width_verbatim(s, &verbatim);
}

size_t ol_display_width_verbatim(const char *s, bool *verbatim)
{
    size_t ascii = 0; /* printable ASCII: one column per byte */
    while ((unsigned char)s[ascii] >= 0x20 && (unsigned char)s[ascii] < 0x7f)
        ascii++;
    *verbatim = !s[ascii];
    if (!s[ascii])
        return ascii;
    size_t len = ascii + strlen(s + ascii);
    if (!ol_is_plain(s, len))
        return ol_escape(NULL, 0, s, len, false);
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        w += (*p & 0xc0) != 0x80;
    return w;
}

char *ol_bytes_text(unsigned long long bytes, char *buf, size_t cap)
{
    static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)bytes;
    size_t u = 0;
    while (v >= 1024 && u + 1 < sizeof units / sizeof *units) {
        v /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(buf, cap, "%llu B", bytes);
    else
        snprintf(buf, cap, "%.1f %s", v, units[u]);
    return buf;
}
