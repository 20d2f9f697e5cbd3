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
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).
 */
#include <stdio.h>
#include <string.h>

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
    for (int i = 0; i < given->shape.rank; i++)
        dims[i] = ol_dim_merge(ctx, given->shape.dims[i], returned->shape.dims[i], what);
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

static const ol_op_entry controlflow_ops[] = {
    {"", "If", infer_If, NULL},
    {"", "Loop", infer_Loop, NULL},
    {"", "Scan", infer_Scan, NULL},
};

OL_FAMILY_DEFINE(controlflow, controlflow_ops);
