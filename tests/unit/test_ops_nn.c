/*
 * test_ops_nn.c - inference of the nn family on hand-built graphs,
 * including error and symbolic cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "builder.h"

/* Relu of X[N,4] has X's type: the smallest end-to-end check of the path
 * (load, schema lookup, inference) this file's tests build on. */
static void pipeline_smoke(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 4};
    tb_input(m->graph, "X", 1, 2, x);
    tb_node(m->graph, "Identity", "id", "X", NULL, "Y");
    tb_output(m->graph, "Y", 1, 2, x);
    tb_result r = tb_infer(m, (const char *[]){"X", NULL});
    assert_string_equal(r.types[0], "float[N,4]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pipeline_smoke),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
