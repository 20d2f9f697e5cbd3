/*
 * text.c - see text.h.
 */
#include "util/text.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_sequence(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        v = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        v = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && (v < 0x800 || (v >= 0xd800 && v <= 0xdfff))) || (n == 4 && (v < 0x10000 || v > 0x10ffff)))
        return 0;
    *cp = v;
    return n;
}

static bool is_control(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

size_t ol_escape(char *dst, size_t cap, const char *src, size_t len, bool keep_controls)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t need = 0, out = 0;
    bool full = cap == 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_sequence(s + i, len - i, &cp);
        char piece[16];
        size_t piece_len;
        if (n == 0 || (!keep_controls && is_control(cp))) {
            /* One byte spelled out; a C1 control spells its whole sequence. */
            size_t take = n ? n : 1;
            piece_len = 0;
            for (size_t k = 0; k < take; k++)
                piece_len += (size_t)snprintf(piece + piece_len, sizeof piece - piece_len, "\\x%02x", s[i + k]);
            n = take;
        } else {
            for (size_t k = 0; k < n; k++)
                piece[k] = (char)s[i + k];
            piece_len = n;
        }
        need += piece_len;
        if (!full && out + piece_len < cap) {
            for (size_t k = 0; k < piece_len; k++)
                dst[out++] = piece[k];
        } else {
            full = true;
        }
        i += n;
    }
    if (cap)
        dst[out] = '\0';
    return need;
}

bool ol_is_plain(const char *src, size_t len)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t i = 0;
    while (i < len && s[i] >= 0x20 && s[i] < 0x7f) /* printable ASCII, the common case */
        i++;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_sequence(s + i, len - i, &cp);
        if (n == 0 || is_control(cp))
            return false;
        i += n;
    }
    return true;
}

size_t ol_format_i64(char *dst, int64_t v)
{
    char rev[24];
    size_t n = 0, out = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        rev[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        dst[out++] = '-';
    while (n)
        dst[out++] = rev[--n];
    dst[out] = '\0';
    return out;
}

/* Lower case, with '-' and '_' read as the same character. */
static int fold(char c)
{
    if (c == '-')
        return '_';
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : (unsigned char)c;
}

size_t ol_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > OL_SUGGEST_MAX_LENGTH || lb > OL_SUGGEST_MAX_LENGTH)
        return SIZE_MAX;
    size_t row[OL_SUGGEST_MAX_LENGTH + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (fold(a[i - 1]) != fold(b[j - 1]));
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *ol_suggest(const char *word, const char *const *candidates, size_t n)
{
    const char *best = NULL;
    size_t best_distance = SIZE_MAX, len = word ? strlen(word) : 0;
    size_t limit = len < 6 ? 2 : len / 3 + 1;
    for (size_t i = 0; word && i < n; i++) {
        if (!candidates[i])
            continue;
        size_t d = ol_edit_distance(word, candidates[i]);
        /* A prefix is a likely mistake too ("cross" for "cross_entropy"). */
        size_t lc = strlen(candidates[i]);
        if (len >= 3 && lc > len) {
            bool prefix = true;
            for (size_t k = 0; k < len && prefix; k++)
                prefix = fold(word[k]) == fold(candidates[i][k]);
            if (prefix && d > limit)
                d = limit;
        }
        if (d <= limit && d < best_distance) {
            best = candidates[i];
            best_distance = d;
        }
    }
    return best;
}
