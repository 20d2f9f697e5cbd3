/*
 * test_symbolic.c - symbolic shapes hold for small values of their symbols.
 *
 * Each case is a small graph over inputs X and Z whose dims are the
 * symbols N and M.  It is inferred once with the symbols; then, for every
 * N and M from 1 to SWEEP_MAX, the same graph with X and Z concrete
 * (initializers of those dims) is inferred and run by the evaluator.
 * Whenever the run succeeds, its output's dims must equal the concrete
 * inference and the symbolic one evaluated at (N, M), dim by dim (unknown
 * dims allowed).  Slice, Range and broadcasting were wrong exactly for
 * small values (x[:-5] as N-5, two broadcast symbols "proved" equal).
 * tests/conformance/symbolic.c checks every operator of ONNX's backend
 * suite the same way at the suite's values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "eval/eval.h"
#include "infer/infer.h"

enum { T_FLOAT = 1, T_INT64 = 7, T_BOOL = 9 };
#define IN(...) ((const char *const[]){__VA_ARGS__, NULL})
#define OUT(...) ((const char *const[]){__VA_ARGS__, NULL})
#define SWEEP_MAX 12

typedef void (*build_fn)(Onnx__GraphProto *g);

typedef struct sweep_case {
    const char *name;
    int64_t opset;
    int rank_x, rank_z; /* rank_z 0: no Z */
    int64_t x[4], z[4]; /* -1: N, -2: M */
    build_fn build;     /* adds the nodes from X (and Z) to Y */
} sweep_case;

static void add_scalar(Onnx__GraphProto *g, const char *name, int64_t v)
{
    tb_initializer(g, name, T_INT64, 0, NULL, &v, sizeof v);
}

/* An output Y of element type float with no shape declared. */
static void output_y(Onnx__GraphProto *g)
{
    Onnx__ValueInfoProto *vi = calloc(1, sizeof *vi);
    Onnx__TypeProto *t = calloc(1, sizeof *t);
    Onnx__TypeProto__Tensor *tt = calloc(1, sizeof *tt);
    onnx__value_info_proto__init(vi);
    onnx__type_proto__init(t);
    onnx__type_proto__tensor__init(tt);
    vi->name = strdup("Y");
    t->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    t->tensor_type = tt;
    vi->type = t;
    g->output = realloc(g->output, (g->n_output + 1) * sizeof *g->output);
    g->output[g->n_output++] = vi;
}

/* ---- the cases ---- */

static int64_t slice_start, slice_end, slice_step;

static void build_slice(Onnx__GraphProto *g)
{
    tb_int64s(g, "starts", 1, &slice_start);
    tb_int64s(g, "ends", 1, &slice_end);
    tb_int64s(g, "axes", 1, (int64_t[]){0});
    tb_int64s(g, "steps", 1, &slice_step);
    tb_node_n(g, "Slice", "slice", IN("X", "starts", "ends", "axes", "steps"), OUT("Y"));
}

/* X[1 : N-k] with the end from Shape. */
static void build_slice_data(Onnx__GraphProto *g)
{
    tb_node(g, "Shape", "shape", "X", NULL, "s");
    tb_int64s(g, "k", 1, (int64_t[]){3});
    tb_node(g, "Sub", "sub", "s", "k", "end");
    tb_int64s(g, "starts", 1, (int64_t[]){1});
    tb_node_n(g, "Slice", "slice", IN("X", "starts", "end"), OUT("Y"));
}

static int64_t range_start, range_minus, range_delta;

/* Range(start, N - minus, delta), as floats of that length. */
static void build_range(Onnx__GraphProto *g)
{
    add_scalar(g, "zero", 0);
    add_scalar(g, "start", range_start);
    add_scalar(g, "minus", range_minus);
    add_scalar(g, "delta", range_delta);
    tb_node(g, "Shape", "shape", "X", NULL, "s");
    tb_node(g, "Gather", "n", "s", "zero", "n");
    tb_node(g, "Sub", "sub", "n", "minus", "limit");
    tb_node_n(g, "Range", "range", IN("start", "limit", "delta"), OUT("r"));
    Onnx__NodeProto *c = tb_node(g, "Cast", "cast", "r", NULL, "Y");
    tb_attr_int(c, "to", T_FLOAT);
}

static void build_add(Onnx__GraphProto *g)
{
    tb_node(g, "Add", "add", "X", "Z", "Y");
}

static void build_einsum(Onnx__GraphProto *g)
{
    Onnx__NodeProto *n = tb_node(g, "Einsum", "einsum", "X", "Z", "Y");
    tb_attr_string(n, "equation", "ij,ij->ij");
}

static void build_where(Onnx__GraphProto *g)
{
    tb_node(g, "Greater", "gt", "X", "Z", "c");
    tb_node_n(g, "Where", "where", IN("c", "X", "Z"), OUT("Y"));
}

static void build_and(Onnx__GraphProto *g)
{
    Onnx__NodeProto *a = tb_node(g, "Cast", "ca", "X", NULL, "a");
    tb_attr_int(a, "to", T_BOOL);
    Onnx__NodeProto *b = tb_node(g, "Cast", "cb", "Z", NULL, "b");
    tb_attr_int(b, "to", T_BOOL);
    tb_node(g, "Xor", "xor", "a", "b", "x");
    Onnx__NodeProto *c = tb_node(g, "Cast", "cy", "x", NULL, "Y");
    tb_attr_int(c, "to", T_FLOAT);
}

static void build_concat(Onnx__GraphProto *g)
{
    Onnx__NodeProto *n = tb_node(g, "Concat", "concat", "X", "Z", "Y");
    tb_attr_int(n, "axis", 0);
}

static void build_pool(Onnx__GraphProto *g)
{
    Onnx__NodeProto *n = tb_node(g, "MaxPool", "pool", "X", NULL, "Y");
    tb_attr_ints(n, "kernel_shape", 1, (int64_t[]){3});
    tb_attr_ints(n, "strides", 1, (int64_t[]){2});
    tb_attr_ints(n, "pads", 2, (int64_t[]){1, 0});
}

static void build_conv(Onnx__GraphProto *g)
{
    float w[3] = {1, 2, 3};
    tb_initializer(g, "W", T_FLOAT, 3, (int64_t[]){1, 1, 3}, w, sizeof w);
    Onnx__NodeProto *n = tb_node(g, "Conv", "conv", "X", "W", "Y");
    tb_attr_ints(n, "strides", 1, (int64_t[]){2});
    tb_attr_ints(n, "dilations", 1, (int64_t[]){2});
}

static void build_pad(Onnx__GraphProto *g)
{
    tb_int64s(g, "pads", 2, (int64_t[]){2, 1});
    tb_node(g, "Pad", "pad", "X", "pads", "Y");
}

static void build_reshape(Onnx__GraphProto *g)
{
    tb_int64s(g, "shape", 2, (int64_t[]){-1, 2});
    tb_node(g, "Reshape", "reshape", "X", "shape", "Y");
}

static void build_tile_expand(Onnx__GraphProto *g)
{
    tb_int64s(g, "repeats", 2, (int64_t[]){3, 1});
    tb_node(g, "Tile", "tile", "X", "repeats", "t");
    tb_int64s(g, "shape", 2, (int64_t[]){1, 4});
    tb_node(g, "Expand", "expand", "t", "shape", "Y");
}

static void build_gather(Onnx__GraphProto *g)
{
    tb_int64s(g, "idx", 2, (int64_t[]){2, -1});
    tb_node(g, "Gather", "gather", "X", "idx", "Y");
}

static void build_reduce_flatten(Onnx__GraphProto *g)
{
    Onnx__NodeProto *r = tb_node(g, "ReduceSum", "sum", "X", NULL, "r");
    tb_attr_ints(r, "axes", 1, (int64_t[]){1});
    Onnx__NodeProto *f = tb_node(g, "Flatten", "flatten", "r", NULL, "Y");
    tb_attr_int(f, "axis", 1);
}

static const sweep_case cases[] = {
    {"Slice", 13, 1, 0, {-1}, {0}, build_slice},
    {"Slice from Shape", 13, 1, 0, {-1}, {0}, build_slice_data},
    {"Range", 13, 1, 0, {-1}, {0}, build_range},
    {"Add N,3 + M,3", 13, 2, 2, {-1, 3}, {-2, 3}, build_add},
    {"Einsum ij,ij->ij", 13, 2, 2, {-1, 3}, {-2, 3}, build_einsum},
    {"Where(X > Z, X, Z)", 13, 1, 1, {-1}, {-2}, build_where},
    {"Xor", 13, 2, 1, {-1, -2}, {-2}, build_and},
    {"Concat", 13, 1, 1, {-1}, {-2}, build_concat},
    {"MaxPool", 13, 3, 0, {1, 1, -1}, {0}, build_pool},
    {"Conv", 13, 3, 0, {1, 1, -1}, {0}, build_conv},
    {"Pad", 13, 1, 0, {-1}, {0}, build_pad},
    {"Reshape", 13, 2, 0, {-1, 4}, {0}, build_reshape},
    {"Tile, Expand", 13, 2, 0, {-1, 1}, {0}, build_tile_expand},
    {"Gather", 13, 2, 0, {-1, 3}, {0}, build_gather},
    {"ReduceSum, Flatten", 11, 3, 0, {-1, -2, 2}, {0}, build_reduce_flatten},
};

/* ---- the sweep ---- */

typedef struct point {
    int64_t n, m;
} point;

static bool value_at(void *ctx, const char *name, int64_t *out)
{
    const point *p = ctx;
    if (strcmp(name, "N") == 0)
        return *out = p->n, true;
    if (strcmp(name, "M") == 0)
        return *out = p->m, true;
    return false;
}

static Onnx__ModelProto *model_of(const sweep_case *c, const point *p)
{
    Onnx__ModelProto *m = tb_model(c->opset);
    for (int which = 0; which < 2; which++) {
        int rank = which ? c->rank_z : c->rank_x;
        const int64_t *sym = which ? c->z : c->x;
        const char *name = which ? "Z" : "X";
        if (!rank)
            continue;
        if (!p) {
            tb_input(m->graph, name, T_FLOAT, (size_t)rank, sym);
            continue;
        }
        int64_t dims[4], count = 1;
        for (int k = 0; k < rank; k++) {
            dims[k] = sym[k] == -1 ? p->n : sym[k] == -2 ? p->m : sym[k];
            count *= dims[k];
        }
        float *data = calloc((size_t)count, sizeof *data);
        for (int64_t k = 0; k < count; k++)
            data[k] = (float)((k * 7) % 5) - 2.0f;
        tb_initializer(m->graph, name, T_FLOAT, (size_t)rank, dims, data, (size_t)count * sizeof *data);
        free(data);
    }
    c->build(m->graph);
    output_y(m->graph);
    return m;
}

/* Sweeps one case; returns how many dims were compared. */
static int sweep(const sweep_case *c)
{
    char *dir = tb_tmpdir();
    Onnx__ModelProto *sm = model_of(c, NULL);
    char *path = tb_save(sm, dir, "symbolic.onnx");
    tb_model_free(sm);
    onnxlint_model *model = NULL;
    onnxlint_error err;
    assert_int_equal(onnxlint_model_load(path, NULL, &model, &err), ONNXLINT_OK);
    ol_infer_model(model, NULL, NULL);
    const ol_value *y = ol_graph_lookup(model->graph, "Y");
    assert_non_null(y);
    const ol_type *sym = &y->inferred;
    bool uses_m = false;
    for (int k = 0; k < c->rank_x; k++)
        uses_m |= c->x[k] == -2;
    for (int k = 0; k < c->rank_z; k++)
        uses_m |= c->z[k] == -2;
    int compared = 0;
    for (int64_t n = 1; n <= SWEEP_MAX; n++) {
        for (int64_t mm = 1; mm <= (uses_m ? SWEEP_MAX : 1); mm++) {
            point p = {n, mm};
            krun r;
            krun_start(&r, model_of(c, &p));
            if (r.ok && r.outputs[0] && r.outputs[0]->tensor) {
                const ol_array *a = r.outputs[0]->tensor;
                const ol_value *cy = ol_graph_lookup(r.model->graph, "Y");
                const ol_type *conc = &cy->inferred;
                if (conc->shape.rank >= 0 && conc->shape.rank != a->rank)
                    fail_msg("%s at N=%lld M=%lld: concrete inference gives rank %d, the run %d", c->name,
                             (long long)n, (long long)mm, conc->shape.rank, a->rank);
                if (sym->shape.rank >= 0 && sym->shape.rank != a->rank)
                    fail_msg("%s at N=%lld M=%lld: symbolic rank %d, the run %d", c->name, (long long)n, (long long)mm,
                             sym->shape.rank, a->rank);
                for (int k = 0; k < a->rank; k++) {
                    ol_dim cd = conc->shape.rank >= 0 ? conc->shape.dims[k] : ol_dim_unknown();
                    if (cd.kind == OL_DIM_VALUE && cd.value != a->dims[k])
                        fail_msg("%s at N=%lld M=%lld: dim %d is %lld by concrete inference, %lld in the run",
                                 c->name, (long long)n, (long long)mm, k, (long long)cd.value, (long long)a->dims[k]);
                    int64_t v;
                    if (sym->shape.rank >= 0 &&
                        ol_dim_eval(&model->exprs, sym->shape.dims[k], value_at, &p, &v)) {
                        char text[128];
                        if (v != a->dims[k])
                            fail_msg("%s at N=%lld M=%lld: dim %d is %s symbolically, %lld there, but %lld in the run",
                                     c->name, (long long)n, (long long)mm, k,
                                     ol_dim_text(ol_dim_resolve(&model->exprs, sym->shape.dims[k]), text, sizeof text),
                                     (long long)v, (long long)a->dims[k]);
                        compared++;
                    }
                }
            }
            krun_end(&r);
        }
    }
    onnxlint_model_free(model);
    tb_rmtree(dir);
    free(dir);
    free(path);
    return compared;
}

/* Slice bounds on a symbolic dim: the examples and their kin. */
static void slices_hold_for_small_n(void **state)
{
    (void)state;
    static const int64_t bounds[][3] = {
        {-2, 9, -2}, {-3, -1, 1}, {0, -5, 1}, {5, 0, -1}, {1, INT64_MAX, 1}, {0, -1, 1},    {-1, INT64_MIN, -1},
        {-1, INT64_MAX, 1}, {2, INT64_MAX, 1}, {0, 1, 1}, {-3, INT64_MAX, 1}, {0, 5, 1}, {3, 1, -1}, {-1, -4, -1},
        {1, INT64_MAX, 2}, {-1, INT64_MIN, -2}, {0, INT64_MAX, 3}, {9, -9, -1}, {INT64_MIN, INT64_MAX, 1},
    };
    int compared = 0;
    for (size_t i = 0; i < sizeof bounds / sizeof *bounds; i++) {
        slice_start = bounds[i][0];
        slice_end = bounds[i][1];
        slice_step = bounds[i][2];
        compared += sweep(&cases[0]);
    }
    compared += sweep(&cases[1]);
    print_message("slices: %d symbolic dims compared with runs\n", compared);
    assert_true(compared >= 5 * SWEEP_MAX);
}

static void ranges_hold_for_small_n(void **state)
{
    (void)state;
    static const int64_t ranges[][3] = {{0, 5, 1}, {0, 0, 1}, {0, 0, 2}, {1, 0, 1}, {3, 0, 2}, {0, 1, 3}};
    int compared = 0;
    for (size_t i = 0; i < sizeof ranges / sizeof *ranges; i++) {
        range_start = ranges[i][0];
        range_minus = ranges[i][1];
        range_delta = ranges[i][2];
        compared += sweep(&cases[2]);
    }
    print_message("ranges: %d symbolic dims compared with runs\n", compared);
    assert_true(compared >= 3 * SWEEP_MAX);
}

/* Every other case, each family: broadcasting (Add, Einsum, Where, Xor),
 * Concat, pooling and convolution arithmetic, Pad, Reshape, Tile, Expand,
 * Gather, reductions and Flatten. */
static void other_operators_hold_for_small_values(void **state)
{
    (void)state;
    for (size_t i = 3; i < sizeof cases / sizeof *cases; i++) {
        int compared = sweep(&cases[i]);
        print_message("%s: %d symbolic dims compared with runs\n", cases[i].name, compared);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slices_hold_for_small_n),
        cmocka_unit_test(ranges_hold_for_small_n),
        cmocka_unit_test(other_operators_hold_for_small_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
