/*
 * test_expr.c - symbolic dims: canonical forms, arithmetic, unification.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ir/expr.h"

static ol_arena arena;
static ol_exprs pool;

static int setup(void **state)
{
    (void)state;
    ol_arena_init(&arena, NULL, (size_t)1 << 28);
    ol_exprs_init(&pool, &arena);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ol_arena_destroy(&arena);
    return 0;
}

static const char *text(ol_dim d)
{
    static char buf[256];
    return ol_dim_text(d, buf, sizeof buf);
}

static void sums_and_products_are_canonical(void **state)
{
    (void)state;
    ol_dim n = ol_dim_named(&pool, "N"), s = ol_dim_named(&pool, "S"), c = ol_dim_named(&pool, "C");
    ol_dim n5 = ol_dim_add(&pool, n, ol_dim_value(5));
    assert_string_equal(text(n5), "N+5");
    /* 5+N is the same expression, the same pointer. */
    ol_dim n5b = ol_dim_add(&pool, ol_dim_value(5), n);
    assert_ptr_equal(n5.expr, n5b.expr);
    assert_true(ol_dim_equal(&pool, n5, n5b));
    assert_string_equal(text(ol_dim_add(&pool, s, s)), "2*S");
    assert_string_equal(text(ol_dim_mul(&pool, ol_dim_value(2), s)), "2*S");
    assert_string_equal(text(ol_dim_mul(&pool, c, n)), "C*N");
    assert_ptr_equal(ol_dim_mul(&pool, c, n).expr, ol_dim_mul(&pool, n, c).expr);
    /* N - N folds to the constant 0. */
    ol_dim zero = ol_dim_sub(&pool, n, n);
    assert_int_equal(zero.kind, OL_DIM_VALUE);
    assert_int_equal(zero.value, 0);
    assert_string_equal(text(ol_dim_sub(&pool, n, ol_dim_value(1))), "N-1");
    assert_string_equal(text(ol_dim_sub(&pool, ol_dim_value(3), n)), "3-N");
    /* Added terms first, then the subtracted ones: N*T-N, not -N+N*T. */
    ol_dim t = ol_dim_named(&pool, "T");
    assert_string_equal(text(ol_dim_sub(&pool, ol_dim_mul(&pool, n, t), n)), "N*T-N");
    assert_string_equal(text(ol_dim_sub(&pool, ol_dim_value(0), ol_dim_add(&pool, n, t))), "-N-T");
    /* (N+1)*(N-1) = N*N-1 */
    assert_string_equal(text(ol_dim_mul(&pool, ol_dim_add_const(&pool, n, 1), ol_dim_add_const(&pool, n, -1))),
                        "N*N-1");
}

static void floor_division_like_conv(void **state)
{
    (void)state;
    ol_dim h = ol_dim_named(&pool, "H");
    /* (H + 2*1 - 3) / 2 + 1 : a stride-2 3x3 conv with padding 1 */
    ol_dim out = ol_dim_add_const(&pool, ol_dim_floordiv(&pool, ol_dim_add_const(&pool, h, -1), ol_dim_value(2)), 1);
    assert_string_equal(text(out), "floor((H+1)/2)");
    /* The same size reached another way is the same expression. */
    ol_dim again = ol_dim_ceildiv(&pool, h, ol_dim_value(2));
    assert_ptr_equal(out.expr, again.expr);
    /* Exact division simplifies away. */
    ol_dim h2 = ol_dim_mul(&pool, ol_dim_value(4), h);
    assert_string_equal(text(ol_dim_floordiv(&pool, h2, ol_dim_value(2))), "2*H");
    assert_string_equal(text(ol_dim_floordiv(&pool, h, ol_dim_value(2))), "floor(H/2)");
    assert_int_equal(ol_dim_floordiv(&pool, ol_dim_value(-7), ol_dim_value(2)).value, -4);
    assert_int_equal(ol_dim_mod(&pool, ol_dim_value(-7), ol_dim_value(3)).value, 2);
    assert_int_equal(ol_dim_floordiv(&pool, h, ol_dim_named(&pool, "W")).kind, OL_DIM_UNKNOWN);
    /* Nested floors fold: a stride-2 conv then a 2x2 pool is floor((H+1)/4). */
    ol_dim pooled = ol_dim_floordiv(&pool, out, ol_dim_value(2));
    assert_string_equal(text(pooled), "floor((H+1)/4)");
}

static void exact_division_for_reshape(void **state)
{
    (void)state;
    ol_dim n = ol_dim_named(&pool, "N");
    ol_dim total = ol_dim_mul(&pool, n, ol_dim_value(3 * 224 * 224));
    ol_dim q = ol_dim_div_exact(&pool, total, n);
    assert_int_equal(q.kind, OL_DIM_VALUE);
    assert_int_equal(q.value, 150528);
    assert_string_equal(text(ol_dim_div_exact(&pool, total, ol_dim_value(150528))), "N");
    assert_int_equal(ol_dim_div_exact(&pool, total, ol_dim_value(5)).kind, OL_DIM_UNKNOWN);
    assert_int_equal(ol_dim_div_exact(&pool, total, ol_dim_named(&pool, "M")).kind, OL_DIM_UNKNOWN);
}

static void unknown_and_overflow_give_unknown(void **state)
{
    (void)state;
    ol_dim n = ol_dim_named(&pool, "N");
    assert_int_equal(ol_dim_add(&pool, n, ol_dim_unknown()).kind, OL_DIM_UNKNOWN);
    assert_int_equal(ol_dim_mul(&pool, ol_dim_value(INT64_MAX), ol_dim_value(2)).kind, OL_DIM_UNKNOWN);
    assert_int_equal(ol_dim_mul(&pool, ol_dim_value(INT64_MAX), n).kind, OL_DIM_SYMBOL);
    assert_int_equal(ol_dim_mul(&pool, ol_dim_mul(&pool, ol_dim_value(INT64_MAX), n), ol_dim_value(2)).kind,
                     OL_DIM_UNKNOWN);
    assert_false(ol_dim_equal(&pool, ol_dim_unknown(), ol_dim_unknown()));
    /* Degree is capped. */
    ol_dim p = n;
    for (int i = 0; i < OL_EXPR_MAX_DEGREE; i++)
        p = ol_dim_mul(&pool, p, n);
    assert_int_equal(p.kind, OL_DIM_UNKNOWN);
}

static void unification_binds_and_records(void **state)
{
    (void)state;
    ol_dim n = ol_dim_named(&pool, "batch"), m = ol_dim_named(&pool, "N");
    assert_false(ol_dim_equal(&pool, n, m));
    assert_false(ol_dim_differ(&pool, n, m));
    assert_true(ol_exprs_unify(&pool, n, m, "add"));
    assert_true(ol_dim_equal(&pool, n, m));
    assert_int_equal(pool.n_unifications, 1);
    assert_string_equal(pool.unifications[0].symbol, "N");
    assert_string_equal(pool.unifications[0].where, "add");
    /* Expressions over unified symbols compare equal too. */
    assert_true(ol_dim_equal(&pool, ol_dim_add_const(&pool, n, 1), ol_dim_add_const(&pool, m, 1)));
    /* A constant wins. */
    ol_dim k = ol_dim_named(&pool, "K");
    assert_true(ol_exprs_unify(&pool, k, ol_dim_value(64), NULL));
    assert_int_equal(ol_dim_resolve(&pool, k).value, 64);
    /* Known to differ: refused. */
    assert_false(ol_exprs_unify(&pool, ol_dim_add_const(&pool, n, 1), n, NULL));
    assert_false(ol_exprs_unify(&pool, ol_dim_value(3), ol_dim_value(4), NULL));
    assert_true(ol_dim_differ(&pool, k, ol_dim_value(63)));
}

/* Test bindings: H=7, N=3, BIG=2^40; anything else has no value. */
static bool test_value(void *ctx, const char *name, int64_t *out)
{
    (void)ctx;
    if (!strcmp(name, "H"))
        return *out = 7, true;
    if (!strcmp(name, "N"))
        return *out = 3, true;
    if (!strcmp(name, "BIG"))
        return *out = (int64_t)1 << 40, true;
    return false;
}

static void evaluates_with_bindings(void **state)
{
    (void)state;
    ol_dim h = ol_dim_named(&pool, "H"), n = ol_dim_named(&pool, "N"), big = ol_dim_named(&pool, "BIG");
    int64_t v;
    /* floor((H-1)/2)+1, a stride-2 convolution's output: 4 for H=7 */
    ol_dim conv = ol_dim_add_const(&pool, ol_dim_floordiv(&pool, ol_dim_add_const(&pool, h, -1), ol_dim_value(2)), 1);
    assert_true(ol_dim_eval(&pool, conv, test_value, NULL, &v));
    assert_int_equal(v, 4);
    /* floor((N-4)/2) floors toward minus infinity: -1 for N=3 */
    ol_dim neg = ol_dim_floordiv(&pool, ol_dim_add_const(&pool, n, -4), ol_dim_value(2));
    assert_true(ol_dim_eval(&pool, neg, test_value, NULL, &v));
    assert_int_equal(v, -1);
    assert_true(ol_dim_eval(&pool, ol_dim_mul(&pool, ol_dim_add_const(&pool, n, 5), h), test_value, NULL, &v));
    assert_int_equal(v, 56);
    assert_true(ol_dim_eval(&pool, ol_dim_value(12), test_value, NULL, &v));
    assert_int_equal(v, 12);
    /* a symbol without a value, an unknown dim, an overflowing product */
    assert_false(ol_dim_eval(&pool, ol_dim_add(&pool, n, ol_dim_named(&pool, "W")), test_value, NULL, &v));
    assert_false(ol_dim_eval(&pool, ol_dim_unknown(), test_value, NULL, &v));
    assert_false(ol_dim_eval(&pool, ol_dim_mul(&pool, big, ol_dim_mul(&pool, big, n)), test_value, NULL, &v));
    /* unified symbols take the value they were bound to */
    ol_dim k = ol_dim_named(&pool, "K");
    assert_true(ol_exprs_unify(&pool, k, ol_dim_value(9), NULL));
    assert_true(ol_dim_eval(&pool, ol_dim_mul(&pool, k, n), test_value, NULL, &v));
    assert_int_equal(v, 27);
}

/* Fresh symbols never take a name the model already uses. */
static void fresh_symbols_avoid_used_names(void **state)
{
    (void)state;
    ol_dim used = ol_dim_named(&pool, "unk__1");
    unsigned next = 0;
    ol_dim a = ol_dim_fresh(&pool, &next), b = ol_dim_fresh(&pool, &next);
    assert_string_equal(text(a), "unk__0");
    assert_string_equal(text(b), "unk__2");
    assert_int_equal(next, 3);
    assert_false(ol_dim_equal(&pool, a, b));
    assert_false(ol_dim_equal(&pool, b, used));
}

/* Sizes are >= 1: N*T-N never equals N*T, 2*N never N+0... but
 * floor((L+3)/4) equals L at L = 1, so that one stays unknown. */
static void compares_with_sizes_at_least_one(void **state)
{
    (void)state;
    ol_dim n = ol_dim_named(&pool, "N"), t = ol_dim_named(&pool, "T"), l = ol_dim_named(&pool, "L");
    ol_dim nt = ol_dim_mul(&pool, n, t);
    assert_int_equal(ol_dim_compare(&pool, ol_dim_sub(&pool, nt, n), nt), OL_DIM_ORDER_DIFFERENT);
    assert_int_equal(ol_dim_compare(&pool, nt, ol_dim_sub(&pool, nt, n)), OL_DIM_ORDER_DIFFERENT);
    assert_int_equal(ol_dim_compare(&pool, ol_dim_add(&pool, n, n), n), OL_DIM_ORDER_DIFFERENT);
    assert_int_equal(ol_dim_compare(&pool, ol_dim_add_const(&pool, n, 3), n), OL_DIM_ORDER_DIFFERENT);
    assert_int_equal(ol_dim_compare(&pool, nt, ol_dim_mul(&pool, t, n)), OL_DIM_ORDER_EQUAL);
    assert_int_equal(ol_dim_compare(&pool, ol_dim_value(4), ol_dim_value(5)), OL_DIM_ORDER_DIFFERENT);
    ol_dim q = ol_dim_floordiv(&pool, ol_dim_add_const(&pool, l, 3), ol_dim_value(4));
    assert_int_equal(ol_dim_compare(&pool, q, l), OL_DIM_ORDER_UNKNOWN);
    assert_int_equal(ol_dim_compare(&pool, n, t), OL_DIM_ORDER_UNKNOWN);
    assert_int_equal(ol_dim_compare(&pool, ol_dim_sub(&pool, nt, n), ol_dim_value(1)), OL_DIM_ORDER_UNKNOWN);
    assert_int_equal(ol_dim_compare(&pool, n, ol_dim_unknown()), OL_DIM_ORDER_UNKNOWN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(sums_and_products_are_canonical, setup, teardown),
        cmocka_unit_test_setup_teardown(floor_division_like_conv, setup, teardown),
        cmocka_unit_test_setup_teardown(exact_division_for_reshape, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_and_overflow_give_unknown, setup, teardown),
        cmocka_unit_test_setup_teardown(unification_binds_and_records, setup, teardown),
        cmocka_unit_test_setup_teardown(evaluates_with_bindings, setup, teardown),
        cmocka_unit_test_setup_teardown(fresh_symbols_avoid_used_names, setup, teardown),
        cmocka_unit_test_setup_teardown(compares_with_sizes_at_least_one, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
