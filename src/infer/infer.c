/*
 * infer.c - the inference driver (see infer.h).
 *
 * Invariants:
 *   - A node is visited after every node it depends on (graph->order);
 *     nodes on a cycle are not visited and their outputs stay unknown.
 *   - Before a node's function runs, its outputs are reset to unknown, so
 *     a second run (a Loop body, a function called twice) never sees stale
 *     results.
 *   - What the file declares is information too: an unknown inferred dim
 *     takes the declared one; a contradiction is a finding and inference
 *     keeps its own answer.
 */
#include "infer/infer.h"

#include <string.h>

#include "infer/check.h"
#include "load/load.h"
#include "ops/op.h"

static bool is_known_domain(const char *domain)
{
    return domain[0] == '\0' || strcmp(domain, "ai.onnx.ml") == 0 || strcmp(domain, "ai.onnx.preview.training") == 0;
}

/* Type and propagated values of an initializer. */
static void init_initializer(ol_infer *inf, ol_value *v)
{
    v->inferred = *v->type;
    v->data = NULL;
    /* An initializer that is also a graph input is only a default: the
     * caller may feed another value, so its values are not constants. */
    if (v->initializer && !(v->flags & OL_VALUE_INPUT))
        v->data = ol_tensor_read(inf->model, v->initializer);
}

static bool dims_contradict(ol_exprs *exprs, const ol_type *a, const ol_type *b)
{
    if (a->shape.rank < 0 || b->shape.rank < 0)
        return false;
    if (a->shape.rank != b->shape.rank)
        return true;
    for (int i = 0; i < a->shape.rank; i++) {
        if (ol_dim_differ(exprs, a->shape.dims[i], b->shape.dims[i]))
            return true;
    }
    return false;
}

/* Reconciles what inference found for v with what the file declared. */
static void merge_declared(ol_infer *inf, const ol_node *node, ol_value *v)
{
    onnxlint_model *m = inf->model;
    ol_type *got = &v->inferred;
    const ol_type *declared = v->type;
    if (declared->kind == OL_TYPE_NONE)
        return;
    if (got->kind == OL_TYPE_NONE) {
        *got = *declared;
        return;
    }
    if (got->kind != OL_TYPE_TENSOR || declared->kind != OL_TYPE_TENSOR)
        return;
    char a[512], b[512];
    /* Severity by what breaks: ONNX Runtime refuses a declared element type
     * that differs, and runs a declared shape that differs (it warns "Error
     * merging shape info" and keeps the computed one), so only the consumers
     * of a graph output that trust its declared shape break. */
    if (got->elem_type && declared->elem_type && got->elem_type != declared->elem_type) {
        ol_model_diagnostic(m, ONNXLINT_ERROR, "declared-shape-mismatch", node,
                            "'%s' is declared %s but %s produces %s: ONNX Runtime refuses the model (Type Error: Type "
                            "(tensor(%s)) of output arg (%s) of node (%s) does not match expected type (tensor(%s)))",
                            v->name, ol_type_text(declared, a, sizeof a), node->op_type, ol_type_text(got, b, sizeof b),
                            ol_elem_type_name(declared->elem_type), v->name, node->name, ol_elem_type_name(got->elem_type));
        return;
    }
    if (dims_contradict(&m->exprs, got, declared)) {
        bool output = (v->flags & OL_VALUE_OUTPUT) != 0;
        ol_model_diagnostic(m, output ? ONNXLINT_WARNING : ONNXLINT_NOTE, "declared-shape-mismatch", node,
                            output ? "graph output '%s' is declared %s but %s produces %s: ONNX Runtime runs it and "
                                     "returns the computed shape; a consumer that sizes its buffers from the declared "
                                     "output breaks"
                                   : "'%s' is declared %s but %s produces %s: a value_info hint that the runtimes "
                                     "replace with the computed shape",
                            v->name, ol_type_text(declared, a, sizeof a), node->op_type, ol_type_text(got, b, sizeof b));
        return;
    }
    if (!got->elem_type)
        got->elem_type = declared->elem_type;
    if (got->shape.rank < 0 && declared->shape.rank >= 0) {
        got->shape = declared->shape;
        return;
    }
    for (int i = 0; i < got->shape.rank && declared->shape.rank == got->shape.rank; i++) {
        ol_dim *d = &got->shape.dims[i];
        ol_dim want = declared->shape.dims[i];
        if (d->kind == OL_DIM_UNKNOWN)
            *d = want;
        else if (want.kind != OL_DIM_UNKNOWN)
            ol_exprs_unify(&m->exprs, want, *d, NULL);
    }
}

static bool is_main_output(const ol_infer *inf, const ol_value *v)
{
    return v->graph == inf->model->graph && (v->flags & OL_VALUE_OUTPUT);
}

/* A call of a model-local function: its body inferred with the caller's
 * input types, its outputs copied back. */
static void infer_function_call(ol_infer *inf, ol_ctx *ctx)
{
    const ol_node *node = ctx->node;
    const ol_graph *body = node->function->body;
    if (inf->depth >= OL_MAX_INFER_DEPTH)
        return;
    const ol_type *inputs[256];
    size_t n = body->n_inputs < 256 ? body->n_inputs : 256;
    for (size_t i = 0; i < n; i++)
        inputs[i] = ol_in_type(ctx, i);
    ol_type outs[256];
    size_t n_out = node->n_outputs < 256 ? node->n_outputs : 256;
    /* the body's attribute references read this call's attributes */
    ol_graph *b = (ol_graph *)body;
    const ol_node *outer_call = b->caller;
    b->caller = node;
    bool ok = ol_infer_subgraph(ctx, body, inputs, n, outs, n_out);
    b->caller = outer_call;
    if (!ok)
        return;
    for (size_t i = 0; i < n_out && i < body->n_outputs; i++)
        ol_out_set(ctx, i, &outs[i]);
}

/* Operators of one vendor's runtime that exporters write into the default
 * domain, known by their naming convention. */
typedef struct ol_vendor_op {
    const char *suffix;
    const char *what;
    const char *runtime;
} ol_vendor_op;

static const ol_vendor_op vendor_ops[] = {
    {"_TRT", "a TensorRT plugin", "TensorRT, with the plugin library loaded"},
};

static const ol_vendor_op *vendor_op(const char *op_type)
{
    size_t n = strlen(op_type);
    for (size_t i = 0; i < sizeof vendor_ops / sizeof *vendor_ops; i++) {
        size_t k = strlen(vendor_ops[i].suffix);
        if (n > k && strcmp(op_type + n - k, vendor_ops[i].suffix) == 0)
            return &vendor_ops[i];
    }
    return NULL;
}

/* ol_schema_find and ol_infer_find through the run's caches: the nodes of
 * one operator mostly share one name string (the decoder keeps one copy),
 * whose address finds the entry without reading the name; else its hash. */
static const ol_schema *schema_of(ol_infer *inf, const ol_node *node, ol_infer_fn *fn)
{
    ol_schema_cache_entry *a = &inf->by_address[((uintptr_t)node->op_type >> 3) % OL_SCHEMA_CACHE_SIZE];
    if (a->op_type == node->op_type && a->domain == node->domain && a->opset == node->opset)
        return *fn = a->infer, a->schema;
    uint64_t h = 1469598103934665603ull ^ (uint64_t)node->opset;
    for (const unsigned char *p = (const unsigned char *)node->op_type; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    ol_schema_cache_entry *e = &inf->schema_cache[h % OL_SCHEMA_CACHE_SIZE];
    if (!(e->op_type && e->opset == node->opset && strcmp(e->op_type, node->op_type) == 0 &&
          strcmp(e->domain, node->domain) == 0)) {
        const ol_schema *schema = ol_schema_find(node->domain, node->op_type, node->opset);
        *e = (ol_schema_cache_entry){node->domain, node->op_type, node->opset, schema,
                                     schema ? ol_infer_find(node->domain, node->op_type) : NULL};
    }
    *a = (ol_schema_cache_entry){node->domain, node->op_type, node->opset, e->schema, e->infer};
    return *fn = e->infer, e->schema;
}

/* Whether the operator type of node has had its note (and records it):
 * notes about an operator type come once per model, not per node. */
static bool already_noted(ol_infer *inf, const ol_node *node)
{
    for (size_t i = 0; i < inf->n_noted; i++) {
        if (strcmp(inf->noted[i][0], node->op_type) == 0 && strcmp(inf->noted[i][1], node->domain) == 0)
            return true;
    }
    if (inf->n_noted < OL_MAX_NOTED_OPS) {
        inf->noted[inf->n_noted][0] = node->op_type;
        inf->noted[inf->n_noted++][1] = node->domain;
    }
    return false;
}

/* Whether two dims are the same dim (not merely provably equal). */
static bool same_dim(ol_dim a, ol_dim b)
{
    if (a.kind != b.kind)
        return false;
    if (a.kind == OL_DIM_VALUE)
        return a.value == b.value;
    if (a.kind == OL_DIM_SYMBOL)
        return a.expr == b.expr && (a.symbol == b.symbol || (a.symbol && b.symbol && !strcmp(a.symbol, b.symbol)));
    return true;
}

/* An output whose dims are an input's dims (every elementwise operator)
 * shares the input's array: a graph's values then cost one dims array per
 * distinct shape, not per value (a 50,000-node chain: 3 MB less).  Dims
 * arrays are never changed once their node is inferred.  The output's own
 * array goes back to the arena when nothing was allocated after it. */
static void share_dims(ol_ctx *ctx, ol_node *node)
{
    for (size_t o = 0; o < node->n_outputs; o++) {
        ol_value *out = node->outputs[o];
        if (!out || out->inferred.kind != OL_TYPE_TENSOR || out->inferred.shape.rank <= 0)
            continue;
        ol_shape *s = &out->inferred.shape;
        for (size_t i = 0; i < node->n_inputs; i++) {
            const ol_value *in = node->inputs[i];
            if (!in || in->inferred.kind != OL_TYPE_TENSOR || in->inferred.shape.rank != s->rank ||
                !in->inferred.shape.dims || in->inferred.shape.dims == s->dims)
                continue;
            int k = 0;
            while (k < s->rank && same_dim(s->dims[k], in->inferred.shape.dims[k]))
                k++;
            if (k < s->rank)
                continue;
            if (s->dims == ctx->last_dims && ol_arena_release_last(ctx->arena, s->dims, ctx->last_dims_size))
                ctx->last_dims = NULL;
            s->dims = in->inferred.shape.dims;
            break;
        }
    }
}

static void infer_node(ol_infer *inf, ol_node *node)
{
    onnxlint_model *m = inf->model;
    inf->stats.nodes++;
    for (size_t i = 0; i < node->n_outputs; i++) {
        if (node->outputs[i]) {
            memset(&node->outputs[i]->inferred, 0, sizeof node->outputs[i]->inferred);
            node->outputs[i]->inferred.shape.rank = OL_RANK_UNKNOWN;
            node->outputs[i]->data = NULL;
        }
    }
    ol_ctx ctx = {.infer = inf, .node = node, .exprs = &m->exprs, .arena = &m->arena};
    if (node->function) {
        infer_function_call(inf, &ctx);
    } else {
        ol_infer_fn fn;
        const ol_schema *schema = schema_of(inf, node, &fn);
        if (!schema) {
            inf->stats.no_schema++;
            const char *domain = node->domain[0] ? node->domain : "ai.onnx";
            const ol_vendor_op *vendor = node->domain[0] ? NULL : vendor_op(node->op_type);
            if (!node->opset)
                ol_model_diagnostic(m, ONNXLINT_ERROR, "opset", node,
                                    "the model imports no opset of domain '%s' for %s: ONNX Runtime refuses it (No "
                                    "opset import for domain '%s')",
                                    domain, node->op_type, node->domain[0] ? node->domain : "");
            else if (vendor)
                ol_model_diagnostic(m, ONNXLINT_ERROR, "unknown-op", node,
                                    "%s is %s, not an ONNX operator: this model runs only in %s", node->op_type,
                                    vendor->what, vendor->runtime);
            else if (is_known_domain(node->domain))
                ol_model_diagnostic(m, ONNXLINT_ERROR, "unknown-op", node, "%s is not an operator of %s opset %lld",
                                    node->op_type, domain, (long long)node->opset);
            else if (!already_noted(inf, node))
                ol_model_diagnostic(m, ONNXLINT_NOTE, "unknown-op", node,
                                    "custom operator %s:%s: its outputs are not inferred (noted once for every node "
                                    "of this type)",
                                    domain, node->op_type);
        } else {
            if (!node->domain[0] && ol_schema_is_runtime(schema) && !already_noted(inf, node))
                ol_model_diagnostic(m, ONNXLINT_NOTE, "unknown-op", node,
                                    "%s is ONNX Runtime's own operator in the default domain (its training and "
                                    "contrib registrations), not one of ai.onnx opset %lld: only ONNX Runtime runs it",
                                    node->op_type, (long long)node->opset);
            ctx.schema = schema;
            ctx.version = schema->since_version;
            uint64_t conflicts = ol_check_node(&ctx);
            if (fn)
                fn(&ctx);
            else
                inf->stats.no_function++;
            /* Inputs that disagree on a type: the outputs bound to the same
             * constraint have no element type one can trust (an int64 label
             * times a float probability is neither). */
            for (size_t i = 0; conflicts && i < node->n_outputs && i < schema->n_outputs; i++) {
                uint8_t c = schema->outputs[i].constraint;
                if (c < 64 && (conflicts & ((uint64_t)1 << c)) && node->outputs[i])
                    node->outputs[i]->inferred.elem_type = 0;
            }
        }
    }
    for (size_t i = 0; i < node->n_outputs; i++) {
        ol_value *v = node->outputs[i];
        if (v && !(inf->options.forget_output_types && is_main_output(inf, v)))
            merge_declared(inf, node, v);
    }
    share_dims(&ctx, node);
}

void ol_infer_graph(ol_infer *inf, const ol_graph *g)
{
    for (size_t i = 0; i < g->n_initializers; i++)
        init_initializer(inf, g->initializers[i]);
    size_t n = g->n_nodes - g->n_cyclic;
    for (size_t i = 0; i < n; i++)
        infer_node(inf, g->order[i]);
}

/* The type a subgraph input gets: what the caller passes, refined by what
 * the subgraph declares (a declared dim the caller does not know is kept,
 * a declared symbol is unified with the caller's dim: the body sees the
 * caller's values).  Sequences and optionals are merged element-wise. */
static void bind_input(ol_infer *inf, ol_type *out, const ol_type *declared, const ol_type *given, int depth)
{
    onnxlint_model *m = inf->model;
    if (!given || given->kind == OL_TYPE_NONE || depth > 16) {
        *out = *declared;
        return;
    }
    if (declared->kind == OL_TYPE_NONE) {
        *out = *given;
        return;
    }
    if (declared->kind != given->kind) { /* e.g. a sequence passed to an optional input: the body's view */
        *out = *declared;
        return;
    }
    *out = *given;
    if (given->kind == OL_TYPE_SEQUENCE || given->kind == OL_TYPE_OPTIONAL) {
        if (declared->elem && given->elem) {
            ol_type *e = ol_arena_alloc(&m->arena, sizeof *e);
            if (e) {
                bind_input(inf, e, declared->elem, given->elem, depth + 1);
                out->elem = e;
            }
        } else if (!given->elem) {
            out->elem = declared->elem;
        }
        return;
    }
    if (given->kind != OL_TYPE_TENSOR)
        return;
    if (!out->elem_type)
        out->elem_type = declared->elem_type;
    if (given->shape.rank < 0) {
        out->shape = declared->shape;
        return;
    }
    if (declared->shape.rank != given->shape.rank)
        return;
    ol_dim *dims = ol_arena_alloc(&m->arena, ((size_t)given->shape.rank + 1) * sizeof *dims);
    if (!dims)
        return;
    for (int k = 0; k < given->shape.rank; k++) {
        ol_dim g = given->shape.dims[k], d = declared->shape.dims[k];
        if (g.kind == OL_DIM_UNKNOWN)
            g = d;
        else if (d.kind != OL_DIM_UNKNOWN)
            ol_exprs_unify(&m->exprs, g, d, NULL);
        dims[k] = g;
    }
    out->shape.dims = dims;
}

bool ol_infer_subgraph(ol_ctx *ctx, const ol_graph *graph, const ol_type *const *inputs, size_t n_inputs,
                       ol_type *outs, size_t n_outs)
{
    ol_infer *inf = ctx->infer;
    if (inf->depth >= OL_MAX_INFER_DEPTH) {
        ol_model_diagnostic(inf->model, ONNXLINT_NOTE, "unknown-shape", ctx->node,
                            "subgraphs nested deeper than %d levels are not inferred; limit OL_MAX_INFER_DEPTH",
                            OL_MAX_INFER_DEPTH);
        return false;
    }
    for (size_t i = 0; i < graph->n_inputs; i++) {
        ol_value *v = graph->inputs[i];
        const ol_type *given = i < n_inputs ? inputs[i] : NULL;
        v->data = NULL;
        bind_input(inf, &v->inferred, v->type, given, 0);
    }
    inf->depth++;
    ol_infer_graph(inf, graph);
    inf->depth--;
    for (size_t i = 0; i < n_outs; i++) {
        memset(&outs[i], 0, sizeof outs[i]);
        outs[i].shape.rank = OL_RANK_UNKNOWN;
        if (i < graph->n_outputs)
            outs[i] = *ol_value_type(graph->outputs[i]);
    }
    return true;
}

/* A graph input's dim with neither a value nor a name (skl2onnx's None
 * batch, an exporter's dropped dim_param) becomes a symbol of its own
 * (unk__K), so that everything computed from it keeps its shape in terms
 * of it, as with a named dim.  Each gets its own: nothing says two such
 * dims are equal. */
static void name_anonymous_dims(onnxlint_model *m, ol_type *t, unsigned *next)
{
    if (t->kind != OL_TYPE_TENSOR || t->shape.rank <= 0)
        return;
    int k = 0;
    while (k < t->shape.rank && t->shape.dims[k].kind != OL_DIM_UNKNOWN)
        k++;
    if (k == t->shape.rank)
        return;
    ol_dim *dims = ol_arena_alloc(&m->arena, (size_t)t->shape.rank * sizeof *dims);
    if (!dims)
        return;
    memcpy(dims, t->shape.dims, (size_t)t->shape.rank * sizeof *dims);
    for (; k < t->shape.rank; k++) {
        if (dims[k].kind == OL_DIM_UNKNOWN)
            dims[k] = ol_dim_fresh(&m->exprs, next);
    }
    t->shape.dims = dims;
}

onnxlint_status ol_infer_model(onnxlint_model *m, const ol_infer_options *options, ol_infer_stats *stats)
{
    m->artifact_kind = 0; /* asked again with the inferred types */
    ol_infer inf = {.model = m};
    if (options)
        inf.options = *options;
    const ol_graph *g = m->graph;
    unsigned next_symbol = 0;
    for (size_t i = 0; i < g->n_inputs; i++) {
        g->inputs[i]->inferred = *g->inputs[i]->type;
        g->inputs[i]->data = NULL;
        name_anonymous_dims(m, &g->inputs[i]->inferred, &next_symbol);
    }
    ol_infer_graph(&inf, g);
    if (stats)
        *stats = inf.stats;
    return m->arena.failed ? ONNXLINT_ENOMEM : ONNXLINT_OK;
}
