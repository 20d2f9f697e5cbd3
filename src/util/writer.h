/*
 * writer.h - buffered output through the caller's writer callback, and the
 * display helpers (widths, byte counts) every report shares.
 *
 * Invariants: nothing here touches stdout or a FILE; every string from the
 * model goes out escaped (util/text.h); after the first failed write the
 * writer stays failed and drops output, so callers check once at the end.
 */
#ifndef OL_WRITER_H
#define OL_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "onnxlint/onnxlint.h"
#include "util/bytes.h"

typedef struct ol_sink {
    onnxlint_write_fn write;
    void *ctx;
    bool failed;
    size_t len;
    size_t drains; /* how many times buf went out: bytes written since a
                      len seen earlier are buf[len..] while it is the same */
    char buf[8192];
} ol_sink;

void ol_out_init(ol_sink *out, onnxlint_write_fn write, void *ctx);
void ol_out_bytes_slow(ol_sink *out, const char *data, size_t len);
/* Inline: a report of 50,000 values writes about two million pieces, most
 * of them a few bytes that fit the buffer.  (Bytes buffered after a
 * failed write are dropped by the next drain.) */
static inline void ol_out_bytes(ol_sink *out, const char *data, size_t len)
{
    if (len <= sizeof out->buf - out->len) {
        ol_copy_short(out->buf + out->len, data, len);
        out->len += len;
        return;
    }
    ol_out_bytes_slow(out, data, len);
}
/* Makes room for n bytes in the buffer (n at most its size), writing out
 * what it holds when there is less. */
void ol_out_room(ol_sink *out, size_t n);
void ol_out_printf(ol_sink *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes a string from the model, escaped for a terminal. */
void ol_out_name(ol_sink *out, const char *s);
void ol_out_pad_slow(ol_sink *out, size_t n);
/* Writes n spaces (inline: a column report pads every field of every line). */
static inline void ol_out_pad(ol_sink *out, size_t n)
{
    if (n <= sizeof out->buf - out->len) {
        memset(out->buf + out->len, ' ', n);
        out->len += n;
        return;
    }
    ol_out_pad_slow(out, n);
}
/* Pads a field of used columns to a column width columns wide, plus the
 * two spaces between columns (only those two when the field is wider:
 * never the wrap-around of width - used). */
static inline void ol_out_column(ol_sink *out, size_t width, size_t used)
{
    ol_out_pad(out, (width > used ? width - used : 0) + 2);
}
/* Flushes; returns false when any write failed. */
bool ol_out_flush(ol_sink *out);

/* Columns an escaped string takes on a terminal (code points). */
size_t ol_display_width(const char *s);
/* The same; *verbatim tells whether s goes out as it is (printable
 * ASCII), so that ol_out_bytes of its width bytes writes what
 * ol_out_name would. */
size_t ol_display_width_verbatim(const char *s, bool *verbatim);

/* Formats a byte count for people: "512 B", "4.8 KiB", "98.0 MiB". */
char *ol_bytes_text(unsigned long long bytes, char *buf, size_t cap);

#endif
