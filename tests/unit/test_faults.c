/*
 * test_faults.c - allocation failure at every point of load and inspect.
 *
 * A counting allocator refuses the N-th allocation; for N = 1, 2, ... the
 * whole path must fail cleanly (ONNXLINT_ENOMEM, a message, nothing left
 * allocated) until N is past the last allocation and the load succeeds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnxlint/onnxlint.h"

typedef struct counting {
    long calls;
    long fail_at; /* refuse this call (1-based); 0: never */
    long live;
} counting;

static void *counting_alloc(void *ctx, size_t size)
{
    counting *c = ctx;
    if (++c->calls == c->fail_at)
        return NULL;
    void *p = malloc(size);
    if (p)
        c->live++;
    return p;
}

static void counting_free(void *ctx, void *p)
{
    counting *c = ctx;
    if (p)
        c->live--;
    free(p);
}

static int discard(void *ctx, const char *data, size_t len)
{
    (void)ctx;
    (void)data;
    (void)len;
    return 0;
}

static void fail_every_allocation(const char *path)
{
    long n;
    for (n = 1;; n++) {
        counting c = {.fail_at = n};
        onnxlint_allocator a = {counting_alloc, counting_free, &c, 1}; /* one call per allocation */
        onnxlint_load_options o = {.allocator = &a};
        onnxlint_model *m = NULL;
        onnxlint_error err;
        onnxlint_status st = onnxlint_model_load(path, &o, &m, &err);
        if (st == ONNXLINT_OK) {
            assert_true(c.calls < n); /* succeeded only once past the last */
            /* Now fail inside inspect, after the load's allocations. */
            long loaded = c.calls;
            for (long k = 1;; k++) {
                c.fail_at = loaded + k;
                long before = c.calls;
                onnxlint_status ist = onnxlint_inspect_write(m, ONNXLINT_FORMAT_TEXT, discard, NULL, &err);
                long used = c.calls - before;
                c.calls = loaded; /* rebase for the next round */
                if (ist == ONNXLINT_OK) {
                    assert_true(used < k);
                    break;
                }
                assert_int_equal(ist, ONNXLINT_ENOMEM);
            }
            onnxlint_model_free(m);
            assert_int_equal(c.live, 0);
            break;
        }
        assert_int_equal(st, ONNXLINT_ENOMEM);
        assert_null(m);
        assert_non_null(strstr(err.message, "out of memory"));
        assert_int_equal(c.live, 0);
    }
    print_message("%s: %ld allocations\n", path, n - 1);
    assert_true(n > 50); /* every allocation of the path was refused once */
}

/* The whole check path (load, inference, analysis, confirmation on sample
 * data, every report) with the N-th allocation refused, for every N. */
static void check_path_survives(const char *path)
{
    long n;
    for (n = 1;; n++) {
        counting c = {.fail_at = n};
        onnxlint_allocator a = {counting_alloc, counting_free, &c, 1}; /* one call per allocation */
        onnxlint_load_options o = {.allocator = &a};
        onnxlint_model *m = NULL;
        onnxlint_error err;
        onnxlint_status st = onnxlint_model_load(path, &o, &m, &err);
        if (st == ONNXLINT_OK) {
            onnxlint_check_options co = {0};
            st = onnxlint_check(m, &co, &err);
            if (st == ONNXLINT_OK)
                st = onnxlint_findings_write(&m, 1, ONNXLINT_FORMAT_TEXT, 0, discard, NULL, &err);
            onnxlint_model_free(m);
        }
        assert_int_equal(c.live, 0);
        if (c.calls < n) {
            assert_int_equal(st, ONNXLINT_OK); /* no allocation was refused */
            break;
        }
        assert_true(st == ONNXLINT_OK || st == ONNXLINT_ENOMEM);
    }
    print_message("%s: %ld allocations\n", path, n - 1);
    assert_true(n > 150); /* every allocation of the path was refused once */
}

static void check_survives_allocation_failures(void **state)
{
    (void)state;
    static const char *models[] = {"models/seed_class_count.onnx", "models/seed_clean_ce.onnx",
                                   "models/seq_ce_class_axis.onnx", "models/reg_mse_broadcast.onnx"};
    for (size_t i = 0; i < sizeof models / sizeof *models; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", ONNXLINT_SOURCE_DIR, models[i]);
        check_path_survives(path);
    }
}

static void load_survives_allocation_failures(void **state)
{
    (void)state;
    static const char *models[] = {"models/example_cnn.onnx", "models/external/ext_mlp.onnx",
                                   "models/seq_ce_transposed.onnx", "tests/malformed/cases/control_chars.onnx"};
    for (size_t i = 0; i < sizeof models / sizeof *models; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", ONNXLINT_SOURCE_DIR, models[i]);
        fail_every_allocation(path);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(load_survives_allocation_failures),
        cmocka_unit_test(check_survives_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
