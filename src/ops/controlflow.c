/*
 * controlflow.c - inference for If, Loop, Scan (onnx/defs/controlflow).
 *
 * Each operator infers its subgraph(s) with ol_infer_subgraph and builds its
 * outputs from the subgraph's.  If joins its two branches (equal dims kept,
 * differing ones unknown, since the value may come from either), or takes
 * only the branch a known condition selects, values included.  Loop infers
 * its body with the initial loop-carried types and, while a carried output
 * is not covered by what the body was given, again with the join of the
 * two, so that the types it settles on hold in every iteration (after
 * LOOP_MAX_PASSES passes the shapes still changing are forgotten).  Scan's
 * state variables keep their shape by definition, so a body that changes
 * one is a contradiction.  Sequences and optionals may carry an ol_data of
 * element type OL_ELEM_UNDEFINED whose count is how many tensors they hold
 * (see sequence.c): a sequence known to be empty constrains no element
 * shape, so a Loop that fills one keeps the shape of what it inserts.
 *
 * The kernels run the subgraphs with ol_k_run_subgraph: If its taken
 * branch; Loop its body while the trip count M (if given) is not reached
 * and the condition holds (the body's condition output is honoured even
 * without a cond input, as onnxruntime and ONNX's reference do), scan
 * outputs stacked on a new axis 0; Scan its body once per slice of the
 * scan inputs (Scan 8: per batch entry, up to its sequence_lens, the scan
 * outputs zero-padded).  A loop that runs no iteration makes its empty
 * scan outputs in the shape the body's types give (0 for unknown dims,
 * rank 1 when even the rank is unknown, as onnxruntime does).
 *
 * One inference function and one kernel per operator, registered in the
 * table at the end (sorted by domain, then name).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "eval/eval.h"
#include "ops/common.h"
#include "ops/families.h"

enum { ELEM_INT64 = 7, ELEM_BOOL = 9 };

/* Nesting of sequence/optional/map types followed (as ol_out_set does). */
#define MAX_TYPE_DEPTH 16
/* Inferences of a Loop body before the shapes still changing are given up. */
#define LOOP_MAX_PASSES 3
/* Nesting below which Loop bodies get re-inferred: deeper ones are
 * inferred once with their loop-carried shapes forgotten, so that nested
 * loops cost no more than LOOP_MAX_PASSES + 1 inferences per level. */
#define LOOP_FIXPOINT_MAX_NESTING 4
/* Identity nodes followed back from a Loop body's condition output. */
#define IDENTITY_CHAIN_MAX 64
/* Iterations a Loop or Scan may run before the evaluator gives up on it
 * (a loop with neither M nor a condition that ends it would run forever;
 * an empty scan input may still have a huge sequence axis). */
#define LOOP_MAX_ITERATIONS ((int64_t)1 << 24)
/* Iterations whose scan outputs a Loop first makes room for (doubled as
 * needed). */
#define LOOP_INITIAL_ITERATIONS 16

/* ---- types ---- */

static ol_type unknown_type(void)
{
    ol_type t;
    memset(&t, 0, sizeof t);
    t.shape.rank = OL_RANK_UNKNOWN;
    return t;
}

static bool is_none(const ol_type *t)
{
    return !t || t->kind == OL_TYPE_NONE;
}

/* Copies t into out with every shape forgotten (kinds and element types
 * kept): what is sure of a value whose shape may be anything. */
static void forget_shapes(ol_ctx *ctx, const ol_type *t, ol_type *out, int depth)
{
    *out = unknown_type();
    if (!t)
        return;
    out->kind = t->kind;
    out->elem_type = t->elem_type;
    out->key_type = t->key_type;
    if (t->elem && depth < MAX_TYPE_DEPTH) {
        ol_type *e = ol_arena_alloc(ctx->arena, sizeof *e);
        if (e)
            forget_shapes(ctx, t->elem, e, depth + 1);
        out->elem = e;
    }
}

/* Two dims that stand for the same size (both unknown counts as the same:
 * nothing more is known of one than of the other). */
static bool dims_agree(ol_ctx *ctx, ol_dim a, ol_dim b)
{
    if (a.kind == OL_DIM_UNKNOWN || b.kind == OL_DIM_UNKNOWN)
        return a.kind == b.kind;
    return ol_dim_equal(ctx->exprs, a, b);
}

/* True when a and b say exactly the same. */
static bool same_type(ol_ctx *ctx, const ol_type *a, const ol_type *b, int depth)
{
    if (is_none(a) || is_none(b))
        return is_none(a) && is_none(b);
    if (a->kind != b->kind || a->elem_type != b->elem_type || a->key_type != b->key_type ||
        a->shape.rank != b->shape.rank)
        return false;
    for (int i = 0; i < a->shape.rank; i++) {
        if (!dims_agree(ctx, a->shape.dims[i], b->shape.dims[i]))
            return false;
    }
    if (!a->elem || !b->elem || depth >= MAX_TYPE_DEPTH)
        return !a->elem && !b->elem;
    return same_type(ctx, a->elem, b->elem, depth + 1);
}

/* The shape covering a and b: equal dims kept, others unknown; an unknown
 * rank unless both ranks are known and equal. */
static void join_shapes(ol_ctx *ctx, const ol_shape *a, const ol_shape *b, ol_shape *out)
{
    out->rank = OL_RANK_UNKNOWN;
    out->dims = NULL;
    if (a->rank < 0 || a->rank != b->rank)
        return;
    ol_dim *dims = ol_arena_calloc(ctx->arena, (size_t)a->rank + 1, sizeof *dims);
    if (!dims)
        return;
    for (int i = 0; i < a->rank; i++) {
        if (dims_agree(ctx, a->dims[i], b->dims[i]))
            dims[i] = ol_dim_resolve(ctx->exprs, a->dims[i]);
    }
    out->rank = a->rank;
    out->dims = dims;
}

/* The type covering values of type a and of type b (the outputs of two
 * branches, a loop-carried value before and after an iteration): kinds and
 * element types must agree (else a type-error that what introduces, when
 * what is not NULL), shapes are joined.  An unknown side contributes its
 * kinds and element types only if the other has them. */
static void join_types(ol_ctx *ctx, const ol_type *a, const ol_type *b, ol_type *out, const char *what, int depth)
{
    if (is_none(a) || is_none(b)) {
        forget_shapes(ctx, is_none(a) ? b : a, out, depth);
        return;
    }
    *out = unknown_type();
    if (a->kind != b->kind || (a->kind == OL_TYPE_MAP && a->key_type != b->key_type)) {
        if (what)
            ol_error(ctx, "type-error", "%s: %s vs %s", what, ol_type_str(ctx, a), ol_type_str(ctx, b));
        return;
    }
    out->kind = a->kind;
    out->key_type = a->key_type;
    if (a->kind == OL_TYPE_TENSOR || a->kind == OL_TYPE_SPARSE_TENSOR) {
        if (a->elem_type && b->elem_type && a->elem_type != b->elem_type && what)
            ol_error(ctx, "type-error", "%s: %s vs %s", what, ol_type_str(ctx, a), ol_type_str(ctx, b));
        out->elem_type = a->elem_type ? a->elem_type : b->elem_type;
        join_shapes(ctx, &a->shape, &b->shape, &out->shape);
        return;
    }
    if ((!a->elem && !b->elem) || depth >= MAX_TYPE_DEPTH)
        return;
    ol_type *e = ol_arena_alloc(ctx->arena, sizeof *e);
    if (!e)
        return;
    if (a->elem && b->elem)
        join_types(ctx, a->elem, b->elem, e, what, depth + 1);
    else
        forget_shapes(ctx, a->elem ? a->elem : b->elem, e, depth + 1);
    out->elem = e;
}

/* Copies t into out without count dims from axis on (t a tensor of known
 * rank > axis + count - 1); anything else gives its element type only. */
static void drop_dims(ol_ctx *ctx, const ol_type *t, int axis, int count, ol_type *out)
{
    forget_shapes(ctx, t, out, 0);
    if (is_none(t) || t->kind != OL_TYPE_TENSOR || t->shape.rank < axis + count || axis < 0)
        return;
    int rank = t->shape.rank - count;
    ol_dim *dims = ol_arena_calloc(ctx->arena, (size_t)rank + 1, sizeof *dims);
    if (!dims)
        return;
    for (int i = 0, k = 0; i < t->shape.rank; i++) {
        if (i < axis || i >= axis + count)
            dims[k++] = t->shape.dims[i];
    }
    out->shape.rank = rank;
    out->shape.dims = dims;
}

/* Output i becomes the tensor t with dim d inserted at axis (t's rank
 * known, 0 <= axis <= rank), or t's element type with an unknown shape. */
static void out_insert_dim(ol_ctx *ctx, size_t i, const ol_type *t, int axis, ol_dim d)
{
    if (t->shape.rank < 0 || axis < 0 || axis > t->shape.rank) {
        ol_out_tensor(ctx, i, t->elem_type, -1);
        return;
    }
    ol_dim *dims = ol_out_tensor(ctx, i, t->elem_type, t->shape.rank + 1);
    if (!dims)
        return;
    for (int k = 0, j = 0; k <= t->shape.rank; k++)
        dims[k] = k == axis ? d : t->shape.dims[j++];
}

/* ---- values ---- */

/* The propagated values of a subgraph's value (following an outer-scope
 * reference to the value it names), or NULL. */
static const ol_data *value_data(const ol_value *v)
{
    while (v && !v->data && (v->flags & OL_VALUE_OUTER) && v->outer)
        v = v->outer;
    return v ? v->data : NULL;
}

/* 1 when every element of d is known non-zero, 0 when one is known zero
 * (a condition that is false), -1 when not known. */
static int truth(const ol_data *d)
{
    if (!d || !d->count || (!d->values && !d->reals))
        return -1;
    for (size_t k = 0; k < d->count; k++) {
        if (d->reals) {
            if (d->reals[k] == 0.0)
                return 0;
        } else if (d->values[k].kind != OL_DIM_VALUE) {
            return -1;
        } else if (d->values[k].value == 0) {
            return 0;
        }
    }
    return 1;
}

/* True when d says the sequence or optional it belongs to holds nothing. */
static bool known_empty(const ol_type *t, const ol_data *d)
{
    return t && (t->kind == OL_TYPE_SEQUENCE || t->kind == OL_TYPE_OPTIONAL) && d &&
           d->elem_type == OL_ELEM_UNDEFINED && d->count == 0;
}

/* ---- If ---- */

/* A branch's output count against the node's (reported once per branch). */
static void check_branch_outputs(ol_ctx *ctx, const ol_graph *g, const char *name)
{
    if (g->n_outputs != ol_out_count(ctx))
        ol_error(ctx, "type-error", "%s returns %zu outputs but the If has %zu", name, g->n_outputs,
                 ol_out_count(ctx));
}

static void infer_If(ol_ctx *ctx)
{
    const ol_graph *branch[2] = {ol_attr_graph(ctx, "else_branch"), ol_attr_graph(ctx, "then_branch")};
    static const char *const names[2] = {"else_branch", "then_branch"};
    size_t n_out = ol_out_count(ctx);
    ol_type *outs[2];
    for (int b = 0; b < 2; b++) {
        outs[b] = ol_arena_calloc(ctx->arena, n_out + 1, sizeof *outs[b]);
        if (!outs[b])
            return;
    }
    /* A known condition: the other branch never runs, and may well be
     * invalid for these inputs (exporters specialise on shapes). */
    int taken = truth(ol_in_data(ctx, 0));
    if (taken >= 0) {
        const ol_graph *g = branch[taken];
        if (!g)
            return;
        check_branch_outputs(ctx, g, names[taken]);
        if (!ol_infer_subgraph(ctx, g, NULL, 0, outs[taken], n_out))
            return;
        for (size_t i = 0; i < n_out && i < g->n_outputs; i++) {
            ol_out_set(ctx, i, &outs[taken][i]);
            const ol_data *d = value_data(g->outputs[i]);
            if (d)
                ol_out_data(ctx, i, (ol_data *)d);
        }
        return;
    }
    if (!branch[0] || !branch[1])
        return;
    for (int b = 1; b >= 0; b--) {
        check_branch_outputs(ctx, branch[b], names[b]);
        if (!ol_infer_subgraph(ctx, branch[b], NULL, 0, outs[b], n_out))
            return;
    }
    size_t n = n_out;
    if (branch[0]->n_outputs < n)
        n = branch[0]->n_outputs;
    if (branch[1]->n_outputs < n)
        n = branch[1]->n_outputs;
    for (size_t i = 0; i < n; i++) {
        char what[64];
        snprintf(what, sizeof what, "then_branch and else_branch output %zu differ", i);
        ol_type joined;
        join_types(ctx, &outs[1][i], &outs[0][i], &joined, what, 0);
        ol_out_set(ctx, i, &joined);
    }
}

/* ---- Loop ---- */

/* The join of a loop-carried value's type before and after an iteration
 * (see join_types), where a sequence or optional known to be empty before
 * constrains no element shape (only its element type is compared), and an
 * optional and its element type join into the type the body returns. */
static void widen_carried(ol_ctx *ctx, const ol_type *given, bool given_empty, const ol_type *returned, ol_type *out,
                          const char *what)
{
    /* An optional holding a value is that value at run time: a body may
     * take an optional sequence and return the sequence (Loop 16). */
    bool unwrap_given = !is_none(returned) && given->kind == OL_TYPE_OPTIONAL && returned->kind != OL_TYPE_OPTIONAL &&
                        given->elem && given->elem->kind == returned->kind;
    bool unwrap_returned = !is_none(returned) && returned->kind == OL_TYPE_OPTIONAL &&
                           given->kind != OL_TYPE_OPTIONAL && !is_none(given) && returned->elem &&
                           returned->elem->kind == given->kind;
    if (unwrap_given) {
        join_types(ctx, given_empty ? returned : given->elem, returned, out, what, 0);
        return;
    }
    if (unwrap_returned) {
        ol_type *e = ol_arena_alloc(ctx->arena, sizeof *e);
        *out = unknown_type();
        out->kind = OL_TYPE_OPTIONAL;
        if (e)
            join_types(ctx, given, returned->elem, e, what, 0);
        out->elem = e;
        return;
    }
    if (!given_empty || is_none(returned) || returned->kind != given->kind || !returned->elem) {
        join_types(ctx, given, returned, out, what, 0);
        return;
    }
    const ol_type *before = given->elem, *after = returned->elem;
    if (what && before && before->elem_type && after->elem_type && before->elem_type != after->elem_type)
        ol_error(ctx, "type-error", "%s: %s vs %s", what, ol_type_str(ctx, given), ol_type_str(ctx, returned));
    join_types(ctx, returned, returned, out, NULL, 0);
    if (out->elem && !out->elem->elem_type && before)
        out->elem->elem_type = before->elem_type;
}

/* For a loop-carried sequence that starts empty and that the body extends
 * with SequenceInsert(its input, T): a sequence of T's.  A guess (T may
 * depend on what the body was given) that the next pass verifies: if the
 * body given such a sequence returns one, that type holds in every
 * iteration, the empty start included.  False when the body does anything
 * else. */
static bool guess_filled_sequence(ol_ctx *ctx, const ol_graph *body, size_t k, const ol_type *given, ol_type *out)
{
    if (given->kind != OL_TYPE_SEQUENCE || k + 2 >= body->n_inputs || k + 1 >= body->n_outputs)
        return false;
    const ol_node *p = body->outputs[k + 1]->producer;
    if (!p || p->domain[0] || strcmp(p->op_type, "SequenceInsert") != 0 || p->n_inputs < 2 || !p->inputs[1] ||
        p->inputs[0] != body->inputs[k + 2])
        return false;
    const ol_type *t = ol_value_type(p->inputs[1]);
    if (is_none(t) || t->kind != OL_TYPE_TENSOR)
        return false;
    ol_type *e = ol_arena_alloc(ctx->arena, sizeof *e);
    if (!e)
        return false;
    join_types(ctx, t, t, e, NULL, 0); /* a copy: the body's values change on the next pass */
    if (!e->elem_type && given->elem)
        e->elem_type = given->elem->elem_type;
    *out = *given;
    out->elem = e;
    return true;
}

/* The number of iterations when known before run time: M's value, when
 * the condition cannot end the loop earlier: the cond input is omitted or
 * known true, and the body returns a constant true or its incoming
 * condition unchanged (runtimes honour the body's condition even without a
 * cond input, whatever the spec says). */
static ol_dim loop_trip_count(ol_ctx *ctx, const ol_graph *body)
{
    const ol_data *m = ol_in_has(ctx, 0) ? ol_in_data(ctx, 0) : NULL;
    if (!m || m->count != 1 || !m->values)
        return ol_dim_unknown();
    ol_dim trip = m->values[0];
    if (trip.kind == OL_DIM_UNKNOWN || (trip.kind == OL_DIM_VALUE && trip.value < 0))
        return ol_dim_unknown();
    if ((ol_in_has(ctx, 1) && truth(ol_in_data(ctx, 1)) != 1) || body->n_outputs == 0 || body->n_inputs < 2)
        return ol_dim_unknown();
    const ol_value *v = body->outputs[0];
    if (truth(value_data(v)) == 1)
        return trip;
    for (int hops = 0; v && hops < IDENTITY_CHAIN_MAX; hops++) {
        if (v == body->inputs[1])
            return trip;
        const ol_node *p = v->producer;
        if (!p || strcmp(p->op_type, "Identity") != 0 || p->domain[0] || p->n_inputs < 1)
            break;
        v = p->inputs[0];
    }
    return ol_dim_unknown();
}

static void infer_Loop(ol_ctx *ctx)
{
    const ol_graph *body = ol_attr_graph(ctx, "body");
    size_t n_in = ol_in_count(ctx), n_out = ol_out_count(ctx);
    size_t n_carried = n_in > 2 ? n_in - 2 : 0;
    size_t n_scan = n_out > n_carried ? n_out - n_carried : 0;
    ol_type *initial = ol_arena_calloc(ctx->arena, n_carried + 1, sizeof *initial);
    ol_type *carried = ol_arena_calloc(ctx->arena, n_carried + 1, sizeof *carried);
    bool *empty = ol_arena_calloc(ctx->arena, n_carried + 1, sizeof *empty);
    const ol_type **given = ol_arena_calloc(ctx->arena, n_carried + 2, sizeof *given);
    if (!initial || !carried || !empty || !given)
        return;
    for (size_t k = 0; k < n_carried; k++) {
        const ol_type *t = ol_in_type(ctx, k + 2);
        initial[k] = t ? *t : unknown_type();
        carried[k] = initial[k];
        empty[k] = known_empty(t, ol_in_data(ctx, k + 2));
    }
    if (!body) {
        for (size_t k = 0; k < n_carried && k < n_out; k++) {
            ol_type t;
            forget_shapes(ctx, &initial[k], &t, 0);
            ol_out_set(ctx, k, &t);
        }
        return;
    }
    if (body->n_inputs != n_carried + 2)
        ol_error(ctx, "type-error",
                 "the body takes %zu inputs but the Loop gives %zu (iteration number, condition, %zu loop-carried)",
                 body->n_inputs, n_carried + 2, n_carried);
    if (body->n_outputs != n_out + 1)
        ol_error(ctx, "type-error", "the body returns %zu outputs but the Loop has %zu (plus the condition)",
                 body->n_outputs, n_out);
    if (n_out < n_carried)
        ol_error(ctx, "type-error", "the Loop has %zu outputs for %zu loop-carried values", n_out, n_carried);

    ol_type iteration = unknown_type(), condition = unknown_type();
    iteration.kind = condition.kind = OL_TYPE_TENSOR;
    iteration.elem_type = ELEM_INT64;
    condition.elem_type = ELEM_BOOL;
    iteration.shape.rank = condition.shape.rank = 0;
    given[0] = &iteration;
    given[1] = &condition;
    for (size_t k = 0; k < n_carried; k++)
        given[k + 2] = &carried[k];
    size_t n_body_out = body->n_outputs > n_out + 1 ? body->n_outputs : n_out + 1;
    ol_type *outs = ol_arena_calloc(ctx->arena, n_body_out + 1, sizeof *outs);
    if (!outs)
        return;

    int max_passes = ctx->node->graph && ctx->node->graph->depth >= LOOP_FIXPOINT_MAX_NESTING ? 0 : LOOP_MAX_PASSES;
    for (size_t k = 0; k < n_carried && max_passes == 0; k++) {
        forget_shapes(ctx, &initial[k], &carried[k], 0);
        empty[k] = false;
    }
    for (int pass = 0;; pass++) {
        if (!ol_infer_subgraph(ctx, body, given, n_carried + 2, outs, n_body_out)) {
            for (size_t k = 0; k < n_carried && k < n_out; k++) {
                ol_type t;
                forget_shapes(ctx, &initial[k], &t, 0);
                ol_out_set(ctx, k, &t);
            }
            return;
        }
        if (pass == max_passes)
            break; /* the body saw the shapes forgotten: sound whatever it returned */
        bool changed = false;
        for (size_t k = 0; k < n_carried; k++) {
            ol_type next;
            if (!empty[k] || !guess_filled_sequence(ctx, body, k, &carried[k], &next))
                widen_carried(ctx, &carried[k], empty[k], &outs[k + 1], &next, NULL);
            empty[k] = false;
            if (!same_type(ctx, &next, &carried[k], 0)) {
                carried[k] = next;
                changed = true;
            }
        }
        if (!changed)
            break;
        if (pass + 1 == max_passes) {
            for (size_t k = 0; k < n_carried; k++) {
                ol_type vague;
                forget_shapes(ctx, &carried[k], &vague, 0);
                carried[k] = vague;
            }
        }
    }

    /* Final values: the initial ones (no iteration) or the last body's. */
    for (size_t k = 0; k < n_carried && k < n_out; k++) {
        char what[96];
        snprintf(what, sizeof what, "loop-carried value %zu changes type in the body", k);
        ol_type final;
        widen_carried(ctx, &initial[k], known_empty(ol_in_type(ctx, k + 2), ol_in_data(ctx, k + 2)), &outs[k + 1],
                      &final, what);
        ol_out_set(ctx, k, &final);
    }
    ol_dim trip = loop_trip_count(ctx, body);
    for (size_t j = 0; j < n_scan; j++) {
        const ol_type *t = &outs[n_carried + 1 + j];
        if (is_none(t))
            continue;
        if (t->kind != OL_TYPE_TENSOR) {
            ol_error(ctx, "type-error", "scan output %zu of the body is %s; scan outputs must be tensors", j,
                     ol_type_str(ctx, t));
            continue;
        }
        out_insert_dim(ctx, n_carried + j, t, 0, trip);
    }
}

/* ---- Scan ---- */

/* The final type of a state variable: its shape must stay the same in
 * every iteration, so what the body was given and what it returned are
 * merged (a concrete difference is a contradiction). */
static void merge_state(ol_ctx *ctx, const ol_type *given, const ol_type *returned, size_t k, ol_type *out)
{
    if (is_none(given) || is_none(returned)) {
        *out = is_none(given) ? (returned ? *returned : unknown_type()) : *given;
        return;
    }
    *out = *given;
    if (given->kind != OL_TYPE_TENSOR || returned->kind != OL_TYPE_TENSOR)
        return;
    if (given->elem_type && returned->elem_type && given->elem_type != returned->elem_type)
        ol_error(ctx, "type-error", "the body turns state variable %zu from %s into %s", k, ol_type_str(ctx, given),
                 ol_type_str(ctx, returned));
    if (!out->elem_type)
        out->elem_type = returned->elem_type;
    if (given->shape.rank < 0 || returned->shape.rank < 0) {
        if (given->shape.rank < 0)
            out->shape = returned->shape;
        return;
    }
    if (given->shape.rank != returned->shape.rank) {
        ol_error(ctx, "shape-error", "the body turns state variable %zu from %s into %s; its shape must not change", k,
                 ol_type_str(ctx, given), ol_type_str(ctx, returned));
        return;
    }
    ol_dim *dims = ol_arena_calloc(ctx->arena, (size_t)given->shape.rank + 1, sizeof *dims);
    if (!dims)
        return;
    char what[64];
    snprintf(what, sizeof what, "state variable %zu changes shape in the body", k);
    for (int i = 0; i < given->shape.rank; i++) {
        ol_dim a = ol_dim_resolve(ctx->exprs, given->shape.dims[i]);
        ol_dim b = ol_dim_resolve(ctx->exprs, returned->shape.dims[i]);
        /* Two different symbols prove nothing about each other (the body
         * may broadcast N against M): the state's dim is then unknown. */
        if (a.kind == OL_DIM_SYMBOL && b.kind == OL_DIM_SYMBOL && !ol_dim_equal(ctx->exprs, a, b))
            dims[i] = ol_dim_unknown();
        else
            dims[i] = ol_dim_merge(ctx, a, b, what);
    }
    out->shape.dims = dims;
}

/* The axes attribute name (n entries expected, 0 each by default) into
 * axes; false (reported) when its length is wrong. */
static bool scan_axes(ol_ctx *ctx, const char *name, size_t n, int64_t *axes)
{
    size_t count;
    const int64_t *given = ol_attr_ints(ctx, name, &count);
    for (size_t i = 0; i < n; i++)
        axes[i] = given && i < count ? given[i] : 0;
    if (given && count != n) {
        ol_error(ctx, "shape-error", "%s has %zu entries for %zu tensors", name, count, n);
        return false;
    }
    return true;
}

static void infer_Scan(ol_ctx *ctx)
{
    const ol_graph *body = ol_attr_graph(ctx, "body");
    bool batched = ctx->version < 9; /* Scan 8: sequence_lens first; batch axis 0, sequence axis 1 */
    size_t first = batched ? 1 : 0;
    size_t n_in = ol_in_count(ctx), n_out = ol_out_count(ctx);
    int64_t n_scan_in = ol_attr_int(ctx, "num_scan_inputs", -1);
    if (n_in < first || n_scan_in < 0 || (uint64_t)n_scan_in > n_in - first) {
        if (n_scan_in >= 0)
            ol_error(ctx, "type-error", "num_scan_inputs is %lld but the Scan has %zu inputs", (long long)n_scan_in,
                     n_in);
        return;
    }
    size_t m = (size_t)n_scan_in, n_state = n_in - first - m;
    size_t n_scan_out = n_out > n_state ? n_out - n_state : 0;
    if (n_out < n_state)
        ol_error(ctx, "type-error", "the Scan has %zu outputs for %zu state variables", n_out, n_state);
    int64_t *in_axes = ol_arena_calloc(ctx->arena, m + 1, sizeof *in_axes);
    int64_t *out_axes = ol_arena_calloc(ctx->arena, n_scan_out + 1, sizeof *out_axes);
    ol_type *body_in = ol_arena_calloc(ctx->arena, n_state + m + 1, sizeof *body_in);
    const ol_type **given = ol_arena_calloc(ctx->arena, n_state + m + 1, sizeof *given);
    size_t n_body_out = body && body->n_outputs > n_out ? body->n_outputs : n_out;
    ol_type *outs = ol_arena_calloc(ctx->arena, n_body_out + 1, sizeof *outs);
    if (!in_axes || !out_axes || !body_in || !given || !outs)
        return;
    bool in_axes_ok = batched || scan_axes(ctx, "scan_input_axes", m, in_axes);
    bool out_axes_ok = batched || scan_axes(ctx, "scan_output_axes", n_scan_out, out_axes);

    ol_dim batch = ol_dim_unknown(), length = ol_dim_unknown();
    const ol_shape *lens = batched ? ol_in_shape(ctx, 0) : NULL;
    if (lens && lens->rank == 1)
        batch = lens->dims[0];
    for (size_t k = 0; k < n_state; k++) {
        const ol_type *t = ol_in_type(ctx, first + k);
        if (!batched) {
            body_in[k] = t ? *t : unknown_type();
        } else {
            const ol_shape *s = ol_in_shape(ctx, first + k);
            if (s && s->rank == 0)
                ol_error(ctx, "shape-error", "state variable %zu is %s, without the batch axis", k,
                         ol_type_str(ctx, t));
            if (s && s->rank > 0)
                batch = ol_dim_merge(ctx, batch, s->dims[0], "batch size of the Scan's inputs");
            drop_dims(ctx, t, 0, 1, &body_in[k]);
        }
    }
    for (size_t j = 0; j < m; j++) {
        size_t i = first + n_state + j;
        const ol_type *t = ol_in_type(ctx, i);
        const ol_shape *s = ol_in_shape(ctx, i);
        ol_type *b = &body_in[n_state + j];
        forget_shapes(ctx, t, b, 0);
        if (!s || !in_axes_ok)
            continue;
        if (batched) {
            if (s->rank < 2) {
                ol_error(ctx, "shape-error", "scan input %zu is %s; Scan 8 needs batch and sequence axes", j,
                         ol_type_str(ctx, t));
                continue;
            }
            batch = ol_dim_merge(ctx, batch, s->dims[0], "batch size of the Scan's inputs");
            length = ol_dim_merge(ctx, length, s->dims[1], "sequence length of the scan inputs");
            drop_dims(ctx, t, 0, 2, b);
            continue;
        }
        int axis = ol_axis(ctx, in_axes[j], s->rank, false, "scan_input_axes entry");
        if (axis < 0)
            continue;
        length = ol_dim_merge(ctx, length, s->dims[axis], "sequence length of the scan inputs");
        drop_dims(ctx, t, axis, 1, b);
    }
    for (size_t i = 0; i < n_state + m; i++)
        given[i] = &body_in[i];

    bool inferred = false;
    if (body) {
        if (body->n_inputs != n_state + m)
            ol_error(ctx, "type-error", "the body takes %zu inputs but the Scan gives %zu (%zu state, %zu scan)",
                     body->n_inputs, n_state + m, n_state, m);
        if (body->n_outputs != n_out)
            ol_error(ctx, "type-error", "the body returns %zu outputs but the Scan has %zu", body->n_outputs, n_out);
        inferred = ol_infer_subgraph(ctx, body, given, n_state + m, outs, n_body_out);
    }
    for (size_t k = 0; k < n_state && k < n_out; k++) {
        ol_type state;
        merge_state(ctx, &body_in[k], inferred ? &outs[k] : NULL, k, &state);
        if (!batched) {
            ol_out_set(ctx, k, &state);
        } else if (state.kind == OL_TYPE_TENSOR) {
            out_insert_dim(ctx, k, &state, 0, batch);
        }
    }
    if (!inferred)
        return;
    for (size_t j = 0; j < n_scan_out; j++) {
        const ol_type *t = &outs[n_state + j];
        if (is_none(t))
            continue;
        if (t->kind != OL_TYPE_TENSOR) {
            ol_error(ctx, "type-error", "scan output %zu of the body is %s; scan outputs must be tensors", j,
                     ol_type_str(ctx, t));
            continue;
        }
        if (t->shape.rank < 0 || !out_axes_ok) {
            ol_out_tensor(ctx, n_state + j, t->elem_type, -1);
            continue;
        }
        if (batched) {
            ol_type with_length;
            forget_shapes(ctx, t, &with_length, 0);
            ol_dim *dims = ol_arena_calloc(ctx->arena, (size_t)t->shape.rank + 2, sizeof *dims);
            if (!dims)
                continue;
            dims[0] = length;
            memcpy(dims + 1, t->shape.dims, (size_t)t->shape.rank * sizeof *dims);
            with_length.shape.rank = t->shape.rank + 1;
            with_length.shape.dims = dims;
            out_insert_dim(ctx, n_state + j, &with_length, 0, batch);
            continue;
        }
        int axis = ol_axis(ctx, out_axes[j], t->shape.rank, true, "scan_output_axes entry");
        if (axis < 0)
            ol_out_tensor(ctx, n_state + j, t->elem_type, -1);
        else
            out_insert_dim(ctx, n_state + j, t, axis, length);
    }
}

/* ---- kernels ---- */

/* An element type's name for messages. */
static const char *type_name(int32_t elem_type)
{
    const char *name = ol_elem_type_name(elem_type);
    return name ? name : "?";
}

/* Input i as a value the outputs may share (values are immutable). */
static ol_rvalue *shared_input(const ol_kctx *k, size_t i)
{
    return i < k->n_inputs ? k->inputs[i] : NULL;
}

/* v's single element as a truth value (what names v in the message). */
static bool read_truth(ol_kctx *k, const ol_rvalue *v, const char *what, bool *out)
{
    const ol_array *a = v && v->kind == OL_RV_TENSOR ? v->tensor : NULL;
    if (!a || a->count != 1 || (!ol_elem_is_integral(a->elem_type) && !ol_elem_is_floating(a->elem_type)))
        return ol_k_fail(k, "%s must be a bool tensor of one element, not %s", what,
                         a ? ol_k_shape(k, a) : "a sequence or optional");
    *out = ol_array_get_f64(a, 0) != 0;
    return true;
}

/* A scalar tensor value of elem type with value v. */
static ol_rvalue *scalar_value(ol_kctx *k, int32_t elem, int64_t v)
{
    ol_array *a = ol_k_array(k, elem, 0, NULL);
    if (!a)
        return NULL;
    ol_array_set_i64(a, 0, v);
    return ol_k_tensor_value(k, a);
}

/* The sub-tensor of a at index idx (in range) along axis: that axis
 * removed. */
static ol_array *take(ol_kctx *k, const ol_array *a, int axis, int64_t idx)
{
    int64_t dims[OL_MAX_RANK];
    for (int d = 0, r = 0; d < a->rank; d++) {
        if (d != axis)
            dims[r++] = a->dims[d];
    }
    ol_array *s = ol_k_array(k, a->elem_type, a->rank - 1, dims);
    if (!s || s->count == 0)
        return s;
    /* s is not empty, so neither is a: these products are bounded by its
     * count. */
    size_t size = ol_elem_size(a->elem_type), outer = 1, after = 1, len = (size_t)a->dims[axis];
    for (int d = 0; d < axis; d++)
        outer *= (size_t)a->dims[d];
    for (int d = axis + 1; d < a->rank; d++)
        after *= (size_t)a->dims[d];
    size_t block = after * size;
    for (size_t o = 0; o < outer; o++)
        memcpy((char *)s->data + o * block, (const char *)a->data + (o * len + (size_t)idx) * block, block);
    return s;
}

/* The type the body gives its output v: as inferred, else as declared. */
static const ol_type *body_type(const ol_value *v)
{
    return v->inferred.kind == OL_TYPE_TENSOR && v->inferred.elem_type ? &v->inferred : v->type;
}

/* The common element type and shape of the per-iteration tensors
 * items[t * stride] (t < n; NULL entries skipped) of scan output `which`;
 * when there are none, what the body says of its output decl (0 for a dim
 * it does not know, rank 0 for an unknown rank, as onnxruntime does). */
static bool item_shape(ol_kctx *k, ol_rvalue *const *items, size_t stride, size_t n, const ol_value *decl,
                       size_t which, int32_t *elem, int *rank, int64_t *dims)
{
    const ol_array *first = NULL;
    size_t first_t = 0;
    for (size_t t = 0; t < n; t++) {
        const ol_rvalue *v = items[t * stride];
        if (!v)
            continue;
        if (v->kind != OL_RV_TENSOR || !v->tensor)
            return ol_k_fail(k, "scan output %zu of the body is not a tensor", which);
        const ol_array *a = v->tensor;
        if (!first) {
            first = a;
            first_t = t;
            continue;
        }
        bool same = a->elem_type == first->elem_type && a->rank == first->rank;
        for (int d = 0; same && d < a->rank; d++)
            same = a->dims[d] == first->dims[d];
        if (!same)
            return ol_k_fail(k, "scan output %zu is %s %s in iteration %zu but %s %s in iteration %zu", which,
                             type_name(first->elem_type), ol_k_shape(k, first), first_t,
                             type_name(a->elem_type), ol_k_shape(k, a), t);
    }
    if (first) {
        *elem = first->elem_type;
        *rank = first->rank;
        if (first->rank)
            memcpy(dims, first->dims, (size_t)first->rank * sizeof *dims);
        return true;
    }
    const ol_type *t = body_type(decl);
    if (t->kind != OL_TYPE_TENSOR || !t->elem_type)
        return ol_k_fail(k, "no iteration ran and the body does not say the element type of scan output %zu", which);
    *elem = t->elem_type;
    *rank = t->shape.rank > 0 && t->shape.rank < OL_MAX_RANK ? t->shape.rank : 0;
    for (int d = 0; d < *rank; d++)
        dims[d] = t->shape.dims[d].kind == OL_DIM_VALUE ? t->shape.dims[d].value : 0;
    return true;
}

/* Output o becomes the n per-iteration tensors items[t * stride] stacked
 * along a new axis (in [-r-1, r] for their rank r), in reverse order when
 * reverse (a prepending scan output). */
static bool stack_items(ol_kctx *k, size_t o, ol_rvalue *const *items, size_t stride, size_t n, int64_t axis,
                        bool reverse, const ol_value *decl, size_t which)
{
    int64_t dims[OL_MAX_RANK + 1];
    int32_t elem = 0;
    int rank = 0;
    if (!item_shape(k, items, stride, n, decl, which, &elem, &rank, dims))
        return false;
    if (axis < -(int64_t)rank - 1 || axis > rank)
        return ol_k_fail(k, "scan output axis %lld is out of range [%d, %d] for scan output %zu of rank %d",
                         (long long)axis, -rank - 1, rank, which, rank);
    int a = (int)(axis < 0 ? axis + rank + 1 : axis);
    size_t outer = 1, inner = 1;
    for (int d = 0; d < rank; d++) {
        if (d < a)
            outer *= (size_t)dims[d];
        else
            inner *= (size_t)dims[d];
    }
    memmove(dims + a + 1, dims + a, (size_t)(rank - a) * sizeof *dims);
    dims[a] = (int64_t)n;
    ol_array *y = ol_k_out(k, o, elem, rank + 1, dims);
    if (!y || y->count == 0)
        return y != NULL;
    size_t block = inner * ol_elem_size(elem);
    for (size_t t = 0; t < n; t++) {
        const ol_array *it = items[t * stride]->tensor;
        size_t pos = reverse ? n - 1 - t : t;
        for (size_t i = 0; i < outer; i++)
            memcpy((char *)y->data + (i * n + pos) * block, (const char *)it->data + i * block, block);
    }
    return true;
}

/* An array of n value pointers from the run's arena. */
static ol_rvalue **value_array(ol_kctx *k, size_t n)
{
    ol_rvalue **v = ol_k_alloc(k, (n ? n : 1) * sizeof *v);
    if (v)
        memset(v, 0, (n ? n : 1) * sizeof *v);
    return v;
}

static bool kernel_If(ol_kctx *k)
{
    bool cond = false;
    if (!read_truth(k, ol_k_in_value(k, 0), "the condition", &cond))
        return false;
    const char *name = cond ? "then_branch" : "else_branch";
    const ol_graph *g = ol_attr_graph(&k->infer, name);
    if (!g)
        return ol_k_fail(k, "the %s attribute is missing", name);
    if (g->n_outputs != k->n_outputs)
        return ol_k_fail(k, "%s returns %zu outputs but the If has %zu", name, g->n_outputs, k->n_outputs);
    ol_rvalue **outs = value_array(k, k->n_outputs);
    if (!outs || !ol_k_run_subgraph(k, g, NULL, 0, outs, k->n_outputs))
        return false;
    for (size_t i = 0; i < k->n_outputs; i++)
        ol_k_out_value(k, i, outs[i]);
    return true;
}

static bool kernel_Loop(ol_kctx *k)
{
    const ol_graph *body = ol_attr_graph(&k->infer, "body");
    size_t n_in = k->n_inputs, n_out = k->n_outputs;
    size_t n_carried = n_in > 2 ? n_in - 2 : 0;
    if (!body)
        return ol_k_fail(k, "the body attribute is missing");
    if (n_out < n_carried)
        return ol_k_fail(k, "the Loop has %zu outputs for %zu loop-carried values", n_out, n_carried);
    size_t n_scan = n_out - n_carried;
    if (body->n_inputs != n_carried + 2 || body->n_outputs != n_out + 1)
        return ol_k_fail(k, "the body takes %zu inputs and returns %zu outputs; the Loop needs %zu and %zu",
                         body->n_inputs, body->n_outputs, n_carried + 2, n_out + 1);
    int64_t trips = INT64_MAX;
    if (ol_k_in_value(k, 0)) {
        const ol_array *m = ol_k_in(k, 0);
        if (!m || !ol_elem_is_integral(m->elem_type) || m->count != 1)
            return ol_k_fail(k, "M must be an integer scalar, not %s", ol_k_shape(k, m));
        trips = ol_array_get_i64(m, 0);
    }
    bool cond = true;
    ol_rvalue *cond_value = shared_input(k, 1);
    if (cond_value && !read_truth(k, cond_value, "cond", &cond))
        return false;
    if (!cond_value && !(cond_value = scalar_value(k, ELEM_BOOL, 1)))
        return false;
    ol_rvalue **given = value_array(k, n_carried + 2), **outs = value_array(k, n_out + 1);
    if (!given || !outs)
        return false;
    for (size_t i = 0; i < n_carried; i++) {
        if (!(given[i + 2] = shared_input(k, i + 2)))
            return ol_k_fail(k, "loop-carried input %zu is missing", i);
    }
    ol_rvalue **scans = NULL; /* iteration t's scan outputs at scans[t * n_scan] */
    size_t cap = 0, n = 0;
    int64_t max_iterations = k->eval->max_iterations > 0 && k->eval->max_iterations < LOOP_MAX_ITERATIONS
                                 ? k->eval->max_iterations
                                 : LOOP_MAX_ITERATIONS;
    ol_k_iteration it;
    if (!ol_k_iterate_start(k, body, &it))
        return false;
    for (int64_t t = 0; t < trips && cond; t++) {
        if (t >= max_iterations) {
            ol_k_iterate_abandon(&it);
            k->eval->gave_up = true;
            return ol_k_fail(k, "runs more than %lld iterations%s", (long long)max_iterations,
                             max_iterations < LOOP_MAX_ITERATIONS ? " (this run's limit)" : "");
        }
        if (!(given[0] = scalar_value(k, ELEM_INT64, t))) {
            ol_k_iterate_abandon(&it);
            return false;
        }
        given[1] = cond_value;
        /* cond and the carried values go on; the scan outputs are kept */
        if (!ol_k_iterate(k, &it, body, given, n_carried + 2, outs, n_out + 1, n_carried + 1) ||
            !read_truth(k, outs[0], "the body's condition output", &cond)) {
            ol_k_iterate_abandon(&it);
            return false;
        }
        cond_value = outs[0];
        for (size_t i = 0; i < n_carried; i++)
            given[i + 2] = outs[i + 1];
        if (n_scan && n == cap) {
            size_t grown = cap ? cap * 2 : LOOP_INITIAL_ITERATIONS;
            ol_rvalue **more = value_array(k, grown * n_scan);
            if (!more) {
                ol_k_iterate_abandon(&it);
                return false;
            }
            if (n)
                memcpy(more, scans, n * n_scan * sizeof *more);
            scans = more;
            cap = grown;
        }
        if (n_scan)
            memcpy(scans + n * n_scan, outs + 1 + n_carried, n_scan * sizeof *scans);
        n++;
    }
    if (!ol_k_iterate_finish(k, &it, given + 2, n_carried))
        return false;
    for (size_t i = 0; i < n_carried; i++)
        ol_k_out_value(k, i, given[i + 2]);
    for (size_t j = 0; j < n_scan; j++) {
        if (!k->node->outputs[n_carried + j])
            continue; /* omitted */
        if (!stack_items(k, n_carried + j, n ? scans + j : NULL, n_scan, n, 0, false, body->outputs[1 + n_carried + j],
                         j))
            return false;
    }
    return true;
}

/* An attribute of n per-input flags or axes (0 each by default) into out;
 * false (after ol_k_fail) when its length is not n, or a direction (when
 * directions) is not 0 or 1. */
static bool scan_list(ol_kctx *k, const char *name, size_t n, bool directions, int64_t *out)
{
    size_t count;
    const int64_t *given = ol_attr_ints(&k->infer, name, &count);
    if (given && count != n)
        return ol_k_fail(k, "%s has %zu entries for %zu tensors", name, count, n);
    for (size_t i = 0; i < n; i++) {
        out[i] = given ? given[i] : 0;
        if (directions && out[i] != 0 && out[i] != 1)
            return ol_k_fail(k, "%s entry %zu is %lld; directions are 0 or 1", name, i, (long long)out[i]);
    }
    return true;
}

/* Scan 8: a batch axis 0 on every input and output, the sequence axis 1
 * on the scan inputs, optional sequence_lens (input 0); the scan outputs
 * are padded with zeros past each batch entry's length. */
static bool scan8(ol_kctx *k, const ol_graph *body, size_t m)
{
    size_t n_in = k->n_inputs, n_out = k->n_outputs, n_state = n_in - 1 - m;
    if (n_out < n_state)
        return ol_k_fail(k, "the Scan has %zu outputs for %zu state variables", n_out, n_state);
    size_t n_scan = n_out - n_state;
    int64_t *dirs = ol_k_alloc(k, (m + 1) * sizeof *dirs);
    if (!dirs || !scan_list(k, "directions", m, true, dirs))
        return false;
    const ol_array *first = ol_k_in(k, 1 + n_state);
    if (!first || first->rank < 2)
        return ol_k_fail(k, "scan input 0 must be a tensor with batch and sequence axes, not %s",
                         ol_k_shape(k, first));
    int64_t batch = first->dims[0], max_len = first->dims[1];
    for (size_t i = 0; i < n_state + m; i++) {
        const ol_array *a = ol_k_in(k, 1 + i);
        bool scan_input = i >= n_state;
        if (!a || a->rank < (scan_input ? 2 : 1) || a->dims[0] != batch || (scan_input && a->dims[1] != max_len))
            return ol_k_fail(k, "%s %zu is %s but scan input 0 is %s (batch, sequence, ...)",
                             scan_input ? "scan input" : "state variable", scan_input ? i - n_state : i,
                             ol_k_shape(k, a), ol_k_shape(k, first));
    }
    const ol_array *lens = ol_k_in(k, 0);
    if (ol_k_in_value(k, 0) &&
        (!lens || !ol_elem_is_integral(lens->elem_type) || lens->rank != 1 || lens->dims[0] != batch))
        return ol_k_fail(k, "sequence_lens must be an integer tensor of shape (%lld), not %s", (long long)batch,
                         ol_k_shape(k, lens));
    size_t nb = (size_t)batch, nl = (size_t)max_len;
    if (batch > LOOP_MAX_ITERATIONS || (batch && max_len > LOOP_MAX_ITERATIONS / batch))
        return ol_k_fail(k, "a batch of %lld sequences of %lld is more than %lld iterations", (long long)batch,
                         (long long)max_len, (long long)LOOP_MAX_ITERATIONS);
    ol_rvalue **given = value_array(k, n_state + m), **outs = value_array(k, n_out);
    ol_rvalue **finals = value_array(k, nb * n_state);       /* batch b's state i at finals[b * n_state + i] */
    ol_rvalue **items = value_array(k, nb * nl * n_scan);    /* (b, t)'s scan output j at [(b * nl + t) * n_scan + j] */
    const ol_array **rows = ol_k_alloc(k, (m + 1) * sizeof *rows);
    if (!given || !outs || !finals || !items || !rows)
        return false;
    for (size_t b = 0; b < nb; b++) {
        int64_t len = lens ? ol_array_get_i64(lens, b) : max_len;
        if (len < 0 || len > max_len)
            return ol_k_fail(k, "sequence_lens[%zu] is %lld, outside [0, %lld]", b, (long long)len, (long long)max_len);
        for (size_t i = 0; i < n_state; i++) {
            ol_array *s = take(k, ol_k_in(k, 1 + i), 0, (int64_t)b);
            if (!s || !(given[i] = ol_k_tensor_value(k, s)))
                return false;
        }
        for (size_t j = 0; j < m; j++) {
            if (!(rows[j] = take(k, ol_k_in(k, 1 + n_state + j), 0, (int64_t)b)))
                return false;
        }
        for (int64_t t = 0; t < len; t++) {
            for (size_t j = 0; j < m; j++) {
                ol_array *s = take(k, rows[j], 0, dirs[j] ? len - 1 - t : t);
                if (!s || !(given[n_state + j] = ol_k_tensor_value(k, s)))
                    return false;
            }
            if (!ol_k_run_subgraph(k, body, given, n_state + m, outs, n_out))
                return false;
            memcpy(given, outs, n_state * sizeof *given);
            memcpy(items + (b * nl + (size_t)t) * n_scan, outs + n_state, n_scan * sizeof *items);
        }
        memcpy(finals + b * n_state, given, n_state * sizeof *given);
    }
    for (size_t i = 0; i < n_state; i++) {
        if (!stack_items(k, i, finals + i, n_state, nb, 0, false, body->outputs[i], i))
            return false;
    }
    for (size_t j = 0; j < n_scan; j++) {
        int64_t dims[OL_MAX_RANK + 2];
        int32_t elem = 0;
        int rank = 0;
        if (!item_shape(k, items + j, n_scan, nb * nl, body->outputs[n_state + j], j, &elem, &rank, dims + 2))
            return false;
        if (rank > OL_MAX_RANK - 2)
            return ol_k_fail(k, "scan output %zu has rank %d; with batch and sequence axes it is too large", j, rank);
        dims[0] = batch;
        dims[1] = max_len;
        ol_array *y = ol_k_out(k, n_state + j, elem, rank + 2, dims);
        if (!y)
            return false;
        size_t block = y->count && nb && nl ? y->count / nb / nl * ol_elem_size(elem) : 0;
        for (size_t p = 0; p < nb * nl && block; p++) {
            const ol_rvalue *v = items[p * n_scan + j];
            if (v)
                memcpy((char *)y->data + p * block, v->tensor->data, block);
        }
    }
    return true;
}

static bool kernel_Scan(ol_kctx *k)
{
    const ol_graph *body = ol_attr_graph(&k->infer, "body");
    bool batched = k->infer.version < 9;
    size_t first = batched ? 1 : 0, n_in = k->n_inputs, n_out = k->n_outputs;
    int64_t n_scan_in = ol_attr_int(&k->infer, "num_scan_inputs", -1);
    if (!body)
        return ol_k_fail(k, "the body attribute is missing");
    if (n_scan_in < 1 || n_in < first || (uint64_t)n_scan_in > n_in - first)
        return ol_k_fail(k, "num_scan_inputs is %lld but the Scan has %zu inputs", (long long)n_scan_in, n_in);
    size_t m = (size_t)n_scan_in, n_state = n_in - first - m;
    if (body->n_inputs != n_state + m || body->n_outputs != n_out)
        return ol_k_fail(k, "the body takes %zu inputs and returns %zu outputs; the Scan gives %zu and has %zu",
                         body->n_inputs, body->n_outputs, n_state + m, n_out);
    if (batched)
        return scan8(k, body, m);
    if (n_out < n_state)
        return ol_k_fail(k, "the Scan has %zu outputs for %zu state variables", n_out, n_state);
    size_t n_scan = n_out - n_state;
    int64_t *in_axes = ol_k_alloc(k, (m + 1) * sizeof *in_axes), *in_dirs = ol_k_alloc(k, (m + 1) * sizeof *in_dirs);
    int64_t *out_axes = ol_k_alloc(k, (n_scan + 1) * sizeof *out_axes);
    int64_t *out_dirs = ol_k_alloc(k, (n_scan + 1) * sizeof *out_dirs);
    int *axes = ol_k_alloc(k, (m + 1) * sizeof *axes);
    if (!in_axes || !in_dirs || !out_axes || !out_dirs || !axes ||
        !scan_list(k, "scan_input_axes", m, false, in_axes) ||
        !scan_list(k, "scan_input_directions", m, true, in_dirs) ||
        !scan_list(k, "scan_output_axes", n_scan, false, out_axes) ||
        !scan_list(k, "scan_output_directions", n_scan, true, out_dirs))
        return false;
    int64_t len = -1;
    for (size_t j = 0; j < m; j++) {
        const ol_array *a = ol_k_in(k, n_state + j);
        if (!a || a->rank < 1)
            return ol_k_fail(k, "scan input %zu must be a tensor of rank 1 or more, not %s", j, ol_k_shape(k, a));
        if (in_axes[j] < -(int64_t)a->rank || in_axes[j] >= a->rank)
            return ol_k_fail(k, "scan_input_axes entry %lld is out of range for scan input %zu %s",
                             (long long)in_axes[j], j, ol_k_shape(k, a));
        axes[j] = (int)(in_axes[j] < 0 ? in_axes[j] + a->rank : in_axes[j]);
        if (len >= 0 && a->dims[axes[j]] != len)
            return ol_k_fail(k, "scan input %zu %s has sequence length %lld on axis %d, scan input 0 has %lld", j,
                             ol_k_shape(k, a), (long long)a->dims[axes[j]], axes[j], (long long)len);
        len = a->dims[axes[j]];
    }
    size_t n = (size_t)len;
    if (len > LOOP_MAX_ITERATIONS)
        return ol_k_fail(k, "a sequence of %lld is more than %lld iterations", (long long)len,
                         (long long)LOOP_MAX_ITERATIONS);
    ol_rvalue **given = value_array(k, n_state + m), **outs = value_array(k, n_out);
    ol_rvalue **items = value_array(k, n * n_scan); /* iteration t's scan output j at items[t * n_scan + j] */
    if (!given || !outs || !items)
        return false;
    for (size_t i = 0; i < n_state; i++) {
        if (!(given[i] = shared_input(k, i)))
            return ol_k_fail(k, "state variable %zu is missing", i);
    }
    if (k->eval->max_iterations > 0 && len > k->eval->max_iterations) {
        k->eval->gave_up = true;
        return ol_k_fail(k, "runs %lld steps, more than this run's limit of %lld", (long long)len,
                         (long long)k->eval->max_iterations);
    }
    ol_k_iteration it;
    if (!ol_k_iterate_start(k, body, &it))
        return false;
    for (int64_t t = 0; t < len; t++) {
        for (size_t j = 0; j < m; j++) {
            ol_array *s = take(k, ol_k_in(k, n_state + j), axes[j], in_dirs[j] ? len - 1 - t : t);
            if (!s || !(given[n_state + j] = ol_k_tensor_value(k, s))) {
                ol_k_iterate_abandon(&it);
                return false;
            }
        }
        /* the state goes on; the scan outputs are kept */
        if (!ol_k_iterate(k, &it, body, given, n_state + m, outs, n_out, n_state)) {
            ol_k_iterate_abandon(&it);
            return false;
        }
        memcpy(given, outs, n_state * sizeof *given);
        memcpy(items + (size_t)t * n_scan, outs + n_state, n_scan * sizeof *items);
    }
    if (!ol_k_iterate_finish(k, &it, given, n_state))
        return false;
    for (size_t i = 0; i < n_state; i++)
        ol_k_out_value(k, i, given[i]);
    for (size_t j = 0; j < n_scan; j++) {
        if (!stack_items(k, n_state + j, items + j, n_scan, n, out_axes[j], out_dirs[j] != 0,
                         body->outputs[n_state + j], j))
            return false;
    }
    return true;
}

static const ol_op_entry controlflow_ops[] = {
    {"", "If", infer_If, kernel_If},
    {"", "Loop", infer_Loop, kernel_Loop},
    {"", "Scan", infer_Scan, kernel_Scan},
};

OL_FAMILY_DEFINE(controlflow, controlflow_ops);
