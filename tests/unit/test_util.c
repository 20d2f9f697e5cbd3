/*
 * test_util.c - the arena, the name map and the escaping of names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/bytes.h"
#include "util/map.h"
#include "util/text.h"

static void arena_aligns_and_keeps_blocks_apart(void **state)
{
    (void)state;
    ol_arena a;
    ol_arena_init(&a, NULL, (size_t)1 << 30);
    char *p = ol_arena_alloc(&a, 3);
    char *q = ol_arena_alloc(&a, 5);
    assert_non_null(p);
    assert_non_null(q);
    assert_int_equal((uintptr_t)p % OL_ARENA_ALIGN, 0);
    assert_int_equal((uintptr_t)q % OL_ARENA_ALIGN, 0);
    assert_true(q >= p + 3);
    memset(p, 0xaa, 3);
    memset(q, 0x55, 5);
    assert_int_equal((unsigned char)p[2], 0xaa);
    /* A block larger than a chunk gets its own and the head stays usable. */
    char *big = ol_arena_alloc(&a, 1 << 20);
    assert_non_null(big);
    memset(big, 1, 1 << 20);
    char *after = ol_arena_alloc(&a, 16);
    assert_non_null(after);
    assert_true(after < big || after >= big + (1 << 20));
    ol_arena_destroy(&a);
}

static void arena_budget_refusal_is_sticky(void **state)
{
    (void)state;
    ol_arena a;
    ol_arena_init(&a, NULL, 64 * 1024);
    assert_non_null(ol_arena_alloc(&a, 100));
    assert_null(ol_arena_alloc(&a, 1 << 20));
    assert_true(a.failed);
    assert_null(ol_arena_alloc(&a, 8)); /* sticky, even for a small block */
    ol_arena_destroy(&a);
    assert_null(ol_arena_calloc(&a, SIZE_MAX / 2, 4)); /* overflow */
    ol_arena_destroy(&a);
}

static void arena_strings(void **state)
{
    (void)state;
    ol_arena a;
    ol_arena_init(&a, NULL, (size_t)1 << 20);
    char *s = ol_arena_strndup(&a, "abcdef", 3);
    assert_string_equal(s, "abc");
    char *f = ol_arena_printf(&a, "%s-%d", "x", 42);
    assert_string_equal(f, "x-42");
    ol_arena_destroy(&a);
}

static bool all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* A test allocator whose chunks come dirty: ol_arena_calloc must clear. */
static void *dirty_alloc(void *ctx, size_t size)
{
    (void)ctx;
    void *p = malloc(size);
    if (p)
        memset(p, 0xa5, size);
    return p;
}

static void dirty_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

/* ol_arena_calloc skips clearing only bytes nothing has written: after a
 * block is given back (release_last, rewind, reset) and written bytes are
 * handed out again, and from a caller's allocator, it clears them. */
static void arena_calloc_clears_what_was_written(void **state)
{
    (void)state;
    onnxlint_allocator dirty = {dirty_alloc, dirty_free, NULL, 0};
    const onnxlint_allocator *allocators[] = {NULL, &dirty};
    for (size_t k = 0; k < 2; k++) {
        ol_arena a;
        ol_arena_init(&a, allocators[k], (size_t)1 << 30);
        unsigned char *p = ol_arena_calloc(&a, 1, 256);
        assert_true(all_zero(p, 256));
        memset(p, 0xff, 256);
        ol_arena_release_last(&a, p, 256); /* the next block takes its bytes (not under ASan) */
        unsigned char *q = ol_arena_calloc(&a, 1, 256);
        assert_true(all_zero(q, 256));
        memset(q, 0xff, 256);
        char *mark = a.cur;
        unsigned char *r = ol_arena_alloc(&a, 512);
        memset(r, 0xee, 512);
        ol_arena_rewind(&a, mark);
        unsigned char *t = ol_arena_calloc(&a, 64, 8);
        assert_true(all_zero(t, 512));
        memset(t, 0xdd, 512);
        ol_arena_reset(&a);
        for (int i = 0; i < 64; i++) { /* reused chunk, then new ones */
            unsigned char *u = ol_arena_calloc(&a, 1, 1000);
            assert_true(all_zero(u, 1000));
            memset(u, 0xcc, 1000);
        }
        unsigned char *big = ol_arena_calloc(&a, 1, (size_t)3 << 20); /* a chunk of its own */
        assert_true(all_zero(big, (size_t)3 << 20));
        memset(big, 0xbb, (size_t)3 << 20);
        unsigned char *next = ol_arena_calloc(&a, 1, 4096);
        assert_true(all_zero(next, 4096));
        ol_arena_destroy(&a);
    }
}

/* The short copy and comparison agree with memcpy and memcmp for every
 * length and every position of a difference, touching nothing outside. */
static void short_bytes_copy_and_compare_as_libc(void **state)
{
    (void)state;
    char src[48], dst[48 + 2], again[48];
    for (size_t i = 0; i < sizeof src; i++)
        src[i] = (char)('a' + i % 26);
    for (size_t len = 0; len <= 40; len++) {
        memset(dst, '#', sizeof dst);
        ol_copy_short(dst + 1, src, len);
        assert_memory_equal(dst + 1, src, len);
        assert_int_equal(dst[0], '#');
        assert_int_equal(dst[len + 1], '#');
        memcpy(again, src, len);
        assert_true(ol_same_short(again, src, len));
        for (size_t at = 0; at < len; at++) {
            again[at] ^= 1;
            assert_false(ol_same_short(again, src, len));
            again[at] ^= 1;
        }
    }
}

static void map_stores_finds_and_grows(void **state)
{
    (void)state;
    ol_arena a;
    ol_arena_init(&a, NULL, (size_t)1 << 28);
    ol_map m = {0};
    static char keys[20000][16];
    for (int i = 0; i < 20000; i++) {
        snprintf(keys[i], sizeof keys[i], "v%d", i);
        assert_ptr_equal(ol_map_put(&m, &a, keys[i], &keys[i]), &keys[i]);
    }
    assert_int_equal(m.count, 20000);
    for (int i = 0; i < 20000; i += 7)
        assert_ptr_equal(ol_map_get(&m, keys[i]), &keys[i]);
    assert_null(ol_map_get(&m, "missing"));
    /* A second put keeps the first value. */
    int other;
    assert_ptr_equal(ol_map_put(&m, &a, "v5", &other), &keys[5]);
    assert_true(m.count * 2 <= m.capacity);
    ol_arena_destroy(&a);
}

static void escape_controls_and_invalid_utf8(void **state)
{
    (void)state;
    char buf[128];
    const char in[] = "a\x1b[31mb\nc\xff\xc3\xa9\xc2\x9b";
    size_t need = ol_escape(buf, sizeof buf, in, sizeof in - 1, false);
    assert_string_equal(buf, "a\\x1b[31mb\\x0ac\\xff\xc3\xa9\\xc2\\x9b");
    assert_int_equal(need, strlen(buf));
    assert_false(ol_is_plain(in, sizeof in - 1));
    assert_true(ol_is_plain("caf\xc3\xa9 ok", 7));
    /* For JSON, valid controls stay (the encoder escapes them). */
    ol_escape(buf, sizeof buf, "a\nb\xfe", 4, true);
    assert_string_equal(buf, "a\nb\\xfe");
    /* Overlong encodings and surrogates are invalid. */
    ol_escape(buf, sizeof buf, "\xc0\x80\xed\xa0\x80", 5, false);
    assert_string_equal(buf, "\\xc0\\x80\\xed\\xa0\\x80");
}

static void escape_truncates_on_a_character_boundary(void **state)
{
    (void)state;
    char buf[6];
    size_t need = ol_escape(buf, sizeof buf, "ab\x01zz", 5, false);
    assert_int_equal(need, 8);
    assert_string_equal(buf, "ab"); /* "\x01" does not fit whole */
}

static void format_i64_matches_printf(void **state)
{
    (void)state;
    const int64_t cases[] = {0, 1, -1, 9, 10, -10, 150528, INT64_MAX, INT64_MIN, INT64_MIN + 1};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char mine[24], ref[24];
        size_t n = ol_format_i64(mine, cases[i]);
        snprintf(ref, sizeof ref, "%lld", (long long)cases[i]);
        assert_string_equal(mine, ref);
        assert_int_equal(n, strlen(ref));
    }
}

static void plain_text_fast_path_still_sees_controls(void **state)
{
    (void)state;
    assert_true(ol_is_plain("input_ids", 9));
    assert_true(ol_is_plain("caf\xc3\xa9", 5));
    assert_false(ol_is_plain("abc\x1b[31m", 8));   /* an escape after ASCII */
    assert_false(ol_is_plain("abcdef\x7f", 7));    /* DEL */
    assert_false(ol_is_plain("abc\xc2\x9b", 5));   /* C1 CSI after ASCII */
}

static void suggest_the_name_that_was_meant(void **state)
{
    (void)state;
    static const char *const rules[] = {"class-count", "label-rank", "label-dtype", "dead-node"};
    static const char *const losses[] = {"cross_entropy", "nll", "bce_with_logits", "bce", "mse", "l1"};
    assert_int_equal(ol_edit_distance("class_count", "class-count"), 0);
    assert_int_equal(ol_edit_distance("kitten", "sitting"), 3);
    assert_string_equal(ol_suggest("class_count", rules, 4), "class-count");
    assert_string_equal(ol_suggest("label-rnk", rules, 4), "label-rank");
    assert_string_equal(ol_suggest("crossentropy", losses, 6), "cross_entropy");
    assert_string_equal(ol_suggest("cross", losses, 6), "cross_entropy"); /* a prefix */
    assert_string_equal(ol_suggest("BCE", losses, 6), "bce");
    assert_null(ol_suggest("softmax_regression", losses, 6));
    assert_null(ol_suggest("x", NULL, 0));
    char long_word[OL_SUGGEST_MAX_LENGTH + 10];
    memset(long_word, 'a', sizeof long_word - 1);
    long_word[sizeof long_word - 1] = '\0';
    assert_null(ol_suggest(long_word, losses, 6));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arena_aligns_and_keeps_blocks_apart),
        cmocka_unit_test(arena_budget_refusal_is_sticky),
        cmocka_unit_test(arena_strings),
        cmocka_unit_test(arena_calloc_clears_what_was_written),
        cmocka_unit_test(short_bytes_copy_and_compare_as_libc),
        cmocka_unit_test(map_stores_finds_and_grows),
        cmocka_unit_test(escape_controls_and_invalid_utf8),
        cmocka_unit_test(escape_truncates_on_a_character_boundary),
        cmocka_unit_test(format_i64_matches_printf),
        cmocka_unit_test(plain_text_fast_path_still_sees_controls),
        cmocka_unit_test(suggest_the_name_that_was_meant),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
