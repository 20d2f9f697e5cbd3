/*
 * text.h - making names from a model safe to show.
 *
 * Names in a model are arbitrary bytes.  Shown raw they can move a
 * terminal's cursor, colour it, forge output lines, or break a JSON
 * document.  Every name the library puts into text goes through here.
 *
 * Invariant: the output is valid UTF-8 with no C0 or C1 control character
 * and no DEL; every other byte sequence that was valid UTF-8 is kept.
 */
#ifndef OL_TEXT_H
#define OL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes src (len bytes) into dst (cap bytes, NUL-terminated, truncated on
 * a character boundary) with control characters and invalid UTF-8 bytes
 * spelled \xNN.  When keep_controls is true, valid control characters are
 * kept as they are (for JSON, whose encoder escapes them itself); invalid
 * bytes are still spelled out.  Returns the length the full result needs
 * (like snprintf), not counting the NUL. */
size_t ol_escape(char *dst, size_t cap, const char *src, size_t len, bool keep_controls);

/* True when src (len bytes) needs no escaping for a terminal. */
bool ol_is_plain(const char *src, size_t len);

/* Writes v in decimal into dst (at least 21 bytes), NUL-terminated;
 * returns the length.  printf's cost is measurable when a report prints
 * the dims of 100,000 values. */
size_t ol_format_i64(char *dst, int64_t v);

/* Longest word ol_suggest compares. */
#define OL_SUGGEST_MAX_LENGTH 128

/* Levenshtein distance of a and b with case, '-' and '_' folded
 * ("class_count" is 0 from "class-count"); SIZE_MAX when either is longer
 * than OL_SUGGEST_MAX_LENGTH. */
size_t ol_edit_distance(const char *a, const char *b);

/* The candidate closest to word when it is close enough to be what was
 * meant (a few edits, or word is a prefix of it), else NULL: the "did you
 * mean ...?" of usage errors. */
const char *ol_suggest(const char *word, const char *const *candidates, size_t n);

#endif
