/*
 * training.c - ONNX Runtime's training artifacts: what a file is, its
 * parameters, the forward part of a training graph, and the training
 * rules (gradient-shape, missing-gradient).
 *
 * ONNX Runtime's generate_artifacts writes three graphs.  The training
 * graph (training_model.onnx) takes the parameters as graph inputs, each
 * trainable one P with a buffer input `P_grad.accumulation.buffer`; its
 * gradient `P_grad` comes out of the gradient half (com.microsoft
 * gradient operators, Gemm/ReduceSum for the products) and is added into
 * the buffer by an InPlaceAccumulatorV2 whose output is
 * `P_grad.accumulation.out` (with the shared `lazy_reset_grad` flag).  The
 * eval graph (eval_model.onnx) is the forward part with the loss, the
 * parameters still graph inputs.  The optimizer graph
 * (optimizer_model.onnx) is one AdamWOptimizer or SGDOptimizerV2 node over
 * sequences.  Parameters of an eval graph have no buffers: they are the
 * graph inputs a layer reads as its weight, bias, normalisation statistic
 * or embedding table.
 *
 * Nothing here changes the model; the rules add findings.
 */
#include <math.h>
#include <string.h>

#include "analysis/findings.h"

#define GRAD_SUFFIX "_grad"
#define BUFFER_SUFFIX "_grad.accumulation.buffer"
/* How far a weight is followed through Transpose/Reshape... to its layer. */
#define OL_MAX_PARAMETER_TRACE 4

static bool op_is(const ol_node *n, const char *op)
{
    return n && n->op_type[0] == op[0] && strcmp(n->op_type, op) == 0;
}

/* Whether n is in ONNX Runtime's domain (asked of every node: most have
 * the empty domain, which is answered without a call). */
static bool is_microsoft(const ol_node *n)
{
    return n && n->domain[0] == 'c' && strcmp(n->domain, "com.microsoft") == 0;
}

static bool is_accumulator(const ol_node *n)
{
    return is_microsoft(n) &&
           (op_is(n, "InPlaceAccumulatorV2") || op_is(n, "InPlaceAccumulator"));
}

static bool is_optimizer(const ol_node *n)
{
    return is_microsoft(n) &&
           (op_is(n, "AdamWOptimizer") || op_is(n, "SGDOptimizerV2") || op_is(n, "AdamOptimizer") ||
            op_is(n, "LambOptimizer") || op_is(n, "SGDOptimizer"));
}

/* The graph input `name` + suffix, or NULL. */
static ol_value *with_suffix(const ol_graph *g, const char *name, const char *suffix)
{
    char buf[1024];
    if (strlen(name) + strlen(suffix) >= sizeof buf)
        return NULL;
    strcpy(buf, name);
    strcat(buf, suffix);
    return ol_graph_lookup(g, buf);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* A parameter of a training graph: a graph input with an accumulation
 * buffer input. */
static ol_value *buffer_of(const ol_graph *g, const ol_value *v)
{
    ol_value *b = with_suffix(g, v->name, BUFFER_SUFFIX);
    return b && (b->flags & OL_VALUE_INPUT) ? b : NULL;
}

static ol_artifact_kind artifact_kind(const onnxlint_model *m);

ol_artifact_kind ol_artifact_kind_of(const onnxlint_model *m)
{
    if (!m->artifact_kind) /* the graph does not change: asked by several rules and reports, walked once */
        ((onnxlint_model *)m)->artifact_kind = (int)artifact_kind(m) + 1;
    return (ol_artifact_kind)(m->artifact_kind - 1);
}

static ol_artifact_kind artifact_kind(const onnxlint_model *m)
{
    const ol_graph *g = m->graph;
    if (!g)
        return OL_ARTIFACT_NONE;
    bool accumulates = false; /* one pass: a graph's nodes are many */
    for (size_t i = 0; i < g->n_nodes; i++) {
        if (is_optimizer(g->nodes[i]))
            return OL_ARTIFACT_OPTIMIZER;
        accumulates = accumulates || is_accumulator(g->nodes[i]);
    }
    if (accumulates)
        return OL_ARTIFACT_TRAINING;
    for (size_t i = 0; i < g->n_inputs; i++) {
        if (buffer_of(g, g->inputs[i]))
            return OL_ARTIFACT_TRAINING;
    }
    /* An eval graph: a loss output named as ONNX Runtime names it, or a loss
     * with parameters among the graph inputs. */
    size_t params = 0;
    for (size_t i = 0; i < g->n_inputs; i++) {
        double bound;
        if (ol_parameter_init(m, g->inputs[i], &bound) != OL_INIT_NONE)
            params++;
    }
    for (size_t i = 0; i < g->n_outputs; i++) {
        const char *n = g->outputs[i]->name;
        if (strncmp(n, "onnx::loss::", 12) == 0 || strncmp(n, "onnx::reducemean_output::", 25) == 0)
            return params ? OL_ARTIFACT_EVAL : OL_ARTIFACT_NONE;
    }
    return OL_ARTIFACT_NONE;
}

const char *ol_artifact_kind_name(ol_artifact_kind kind)
{
    switch (kind) {
    case OL_ARTIFACT_TRAINING:
        return "training graph";
    case OL_ARTIFACT_EVAL:
        return "eval graph";
    case OL_ARTIFACT_OPTIMIZER:
        return "optimizer graph";
    default:
        return NULL;
    }
}

/* fan_in of a weight as its layer reads it: Conv (M, C/group, k...) all
 * but dim 0; Gemm B (K, N), or (N, K) with transB; MatMul B (..., K, N). */
static double fan_in(const ol_type *t, const ol_node *layer, bool trans)
{
    if (t->kind != OL_TYPE_TENSOR || t->shape.rank < 1)
        return 0;
    const ol_shape *s = &t->shape;
    double f = 1;
    if (op_is(layer, "Conv") || op_is(layer, "ConvTranspose")) {
        for (int i = 1; i < s->rank; i++)
            f *= s->dims[i].kind == OL_DIM_VALUE ? (double)s->dims[i].value : 0;
        return f;
    }
    int k = s->rank == 1 ? 0 : trans ? s->rank - 1 : s->rank - 2;
    return s->dims[k].kind == OL_DIM_VALUE ? (double)s->dims[k].value : 0;
}

static bool is_backward(const ol_node *n);

/* The one node of the forward part that reads v (ONNX Runtime names the
 * nodes of the gradient half FORWARD_Grad/...), or NULL. */
static const ol_node *forward_consumer(const ol_value *v)
{
    const ol_node *found = NULL;
    for (size_t i = 0; i < v->n_consumers; i++) {
        const ol_node *c = v->consumers[i];
        if (is_backward(c) || strstr(c->name, "_Grad/"))
            continue;
        if (found)
            return NULL;
        found = c;
    }
    return found;
}

/* Follows v through shape-only ops with one forward consumer to the node
 * that uses it; *slot its input index there. */
static const ol_node *user_of(const ol_value *v, size_t *slot, bool *transposed)
{
    *transposed = false;
    for (int depth = 0; v && depth < OL_MAX_PARAMETER_TRACE; depth++) {
        const ol_node *n = forward_consumer(v);
        if (!n)
            return NULL;
        const ol_type *t = ol_value_type(v);
        bool merge = (op_is(n, "Add") || op_is(n, "Mul")) && t->kind == OL_TYPE_TENSOR && t->shape.rank >= 2;
        if (op_is(n, "Transpose") || op_is(n, "Identity") || op_is(n, "Cast") || op_is(n, "Reshape") ||
            op_is(n, "Unsqueeze") || merge) { /* merge: a weight plus its low-rank update (LoRA) */
            *transposed ^= op_is(n, "Transpose");
            v = n->n_outputs ? n->outputs[0] : NULL;
            continue;
        }
        for (size_t i = 0; i < n->n_inputs; i++) {
            if (n->inputs[i] == v) {
                *slot = i;
                return n;
            }
        }
        return NULL;
    }
    return NULL;
}

/* The fan_in of the layer whose output an Add's other operand is (a
 * Linear's bias written as MatMul + Add), 0 when it is none. */
static double bias_fan_in(const onnxlint_model *m, const ol_node *add, size_t slot)
{
    (void)m;
    const ol_value *other = add->n_inputs == 2 ? add->inputs[1 - slot] : NULL;
    const ol_node *p = other ? other->producer : NULL;
    if (!op_is(p, "MatMul") && !op_is(p, "Gemm"))
        return 0;
    bool trans = op_is(p, "Gemm") && ol_node_attribute_int(p, "transB", 0);
    return p->n_inputs > 1 && p->inputs[1] ? fan_in(ol_value_type(p->inputs[1]), p, trans) : 0;
}

ol_param_init ol_parameter_init(const onnxlint_model *m, const ol_value *v, double *bound)
{
    *bound = 0;
    if (!(v->flags & OL_VALUE_INPUT) || (v->flags & OL_VALUE_INITIALIZER))
        return OL_INIT_NONE;
    const ol_type *t = ol_value_type(v);
    if (t->kind != OL_TYPE_TENSOR || !ol_elem_is_floating(t->elem_type))
        return OL_INIT_NONE;
    size_t slot = 0;
    bool transposed;
    const ol_node *n = user_of(v, &slot, &transposed);
    bool trainable = m->graph && buffer_of(m->graph, v);
    if (!n)
        goto fallback;
    if ((op_is(n, "Conv") || op_is(n, "ConvTranspose") || op_is(n, "Gemm")) && slot >= 1) {
        const ol_value *w = n->inputs[1];
        bool trans = op_is(n, "Gemm") && ol_node_attribute_int(n, "transB", 0);
        double f = w ? fan_in(ol_value_type(w), n, trans ^ (slot == 1 && transposed)) : 0;
        if (f <= 0)
            goto fallback;
        *bound = 1 / sqrt(f);
        return OL_INIT_UNIFORM;
    }
    if (op_is(n, "MatMul") && slot == 0 && n->n_inputs == 2 && n->inputs[1] && !n->inputs[1]->producer &&
        (n->inputs[1]->flags & OL_VALUE_INPUT) && t->shape.rank == 2) {
        /* A low-rank factor times another graph input: both are weights. */
        double f = t->shape.dims[0].kind == OL_DIM_VALUE ? (double)t->shape.dims[0].value : 0;
        if (f <= 0)
            goto fallback;
        *bound = 1 / sqrt(f);
        return OL_INIT_UNIFORM;
    }
    if (op_is(n, "MatMul") && slot == 1) {
        double f = fan_in(ol_value_type(n->inputs[1]), n, false);
        if (f <= 0)
            goto fallback;
        *bound = 1 / sqrt(f);
        return OL_INIT_UNIFORM;
    }
    if (op_is(n, "BatchNormalization") && slot >= 1)
        return slot == 1 || slot == 4 ? OL_INIT_ONE : OL_INIT_ZERO;
    if ((op_is(n, "LayerNormalization") || op_is(n, "InstanceNormalization") || op_is(n, "GroupNormalization") ||
         op_is(n, "SimplifiedLayerNormalization")) &&
        slot >= 1)
        return slot == 1 ? OL_INIT_ONE : OL_INIT_ZERO;
    if (op_is(n, "Gather") && slot == 0)
        return OL_INIT_NORMAL;
    if (t->shape.rank == 1 && op_is(n, "Add")) {
        double f = bias_fan_in(m, n, slot);
        if (f > 0) {
            *bound = 1 / sqrt(f);
            return OL_INIT_UNIFORM;
        }
        return trainable || ends_with(v->name, ".bias") ? OL_INIT_ZERO : OL_INIT_NONE;
    }
    if (t->shape.rank == 1 && op_is(n, "Mul"))
        return trainable || ends_with(v->name, ".weight") ? OL_INIT_ONE : OL_INIT_NONE; /* a norm's scale */
fallback:
    if (!trainable || t->shape.rank < 1)
        return OL_INIT_NONE;
    {
        ol_dim last = t->shape.dims[t->shape.rank - 1];
        *bound = last.kind == OL_DIM_VALUE && last.value > 0 ? 1 / sqrt((double)last.value) : 0;
    }
    return OL_INIT_UNIFORM;
}

/* Marks p and every node it depends on in the main graph. */
static void mark_upstream(const ol_node *p, uint8_t *mask)
{
    const ol_node *stack[256];
    size_t n = 0;
    if (p && !mask[p->index])
        mask[p->index] = 1, stack[n++] = p;
    while (n) {
        const ol_node *q = stack[--n];
        for (size_t i = 0; i < q->n_inputs; i++) {
            const ol_node *r = q->inputs[i] ? q->inputs[i]->producer : NULL;
            if (!r || mask[r->index] || r->graph != q->graph)
                continue;
            mask[r->index] = 1;
            if (n < sizeof stack / sizeof *stack)
                stack[n++] = r;
            else
                mark_upstream(r, mask); /* deep graphs: recurse on overflow */
        }
    }
}

/* Whether a node belongs to the gradient half or the optimizer. */
static bool is_backward(const ol_node *n)
{
    if (is_accumulator(n) || is_optimizer(n))
        return true;
    size_t len = strlen(n->op_type);
    return len > 4 && (strcmp(n->op_type + len - 4, "Grad") == 0 || strstr(n->op_type, "Grad_") != NULL);
}

size_t ol_forward_nodes(const onnxlint_model *m, uint8_t *mask)
{
    const ol_graph *g = m->graph;
    memset(mask, 0, g->n_nodes);
    for (size_t l = 0; l < m->n_losses; l++) {
        const ol_loss_record *r = &m->losses[l];
        if (r->output)
            mark_upstream(r->output->producer, mask);
        if (r->logits)
            mark_upstream(r->logits->producer, mask);
        if (r->node && r->node->graph == g)
            mark_upstream(r->node, mask);
    }
    /* The outputs that are not gradients: the model's own outputs. */
    for (size_t i = 0; i < g->n_outputs; i++) {
        const ol_node *p = g->outputs[i]->producer;
        if (p && !is_backward(p) && !strstr(g->outputs[i]->name, GRAD_SUFFIX))
            mark_upstream(p, mask);
    }
    size_t count = 0;
    for (size_t i = 0; i < g->n_nodes; i++) {
        if (mask[i] && is_backward(g->nodes[i]))
            mask[i] = 0; /* a loss on gradients is not the forward part */
        count += mask[i];
    }
    return count;
}

/* A loss output as ONNX Runtime's training writes it: named onnx::loss::N
 * (or onnx::reducemean_output::N, the MSE/L1 patterns), or made by a loss
 * operator. */
static bool is_loss_output(const ol_value *v)
{
    const ol_node *p = v->producer;
    return strncmp(v->name, "onnx::loss::", 12) == 0 || strncmp(v->name, "onnx::reducemean_output::", 25) == 0 ||
           op_is(p, "SoftmaxCrossEntropyLoss") || op_is(p, "NegativeLogLikelihoodLoss");
}

/* Whether graph input v is the data a layer reads (its input 0). */
static bool is_data_input(const ol_value *v)
{
    for (size_t i = 0; i < v->n_consumers; i++) {
        const ol_node *c = v->consumers[i];
        if ((op_is(c, "Conv") || op_is(c, "Gemm") || op_is(c, "MatMul") || op_is(c, "Reshape") ||
             op_is(c, "Flatten") || op_is(c, "Gather") || op_is(c, "Transpose") || op_is(c, "Unsqueeze")) &&
            c->n_inputs && c->inputs[0] == v)
            return true;
        if (op_is(c, "Gather") && c->n_inputs > 1 && c->inputs[1] == v)
            return true; /* token ids */
    }
    return false;
}

void ol_training_summary(const onnxlint_model *m, ol_training_summary_info *info)
{
    memset(info, 0, sizeof *info);
    const ol_graph *g = m->graph;
    info->kind = ol_artifact_kind_of(m);
    if (!g || info->kind == OL_ARTIFACT_NONE)
        return;
    for (size_t i = 0; i < g->n_inputs; i++) {
        const ol_value *v = g->inputs[i];
        double bound;
        bool trainable = buffer_of(g, v) != NULL;
        if (trainable || ol_parameter_init(m, v, &bound) != OL_INIT_NONE) {
            if (info->n_parameters < OL_MAX_SUMMARY_NAMES)
                info->parameters[info->n_parameters] = v->name;
            info->n_parameters++;
        }
        info->n_trainable += trainable;
        if (strcmp(v->name, "lazy_reset_grad") == 0)
            info->has_reset = true;
        size_t len = strlen(v->name), sl = strlen(BUFFER_SUFFIX);
        bool is_buffer = len > sl && strcmp(v->name + len - sl, BUFFER_SUFFIX) == 0;
        if (info->kind != OL_ARTIFACT_OPTIMIZER && !trainable && !is_buffer &&
            ol_parameter_init(m, v, &bound) == OL_INIT_NONE && !is_data_input(v) && v->n_consumers &&
            !(v->flags & OL_VALUE_INITIALIZER) && info->n_labels < 4 && strcmp(v->name, "lazy_reset_grad") != 0)
            info->labels[info->n_labels++] = v->name;
    }
    for (size_t i = 0; i < g->n_outputs; i++) {
        if (is_loss_output(g->outputs[i]) && info->n_losses < 4)
            info->losses[info->n_losses++] = g->outputs[i]->name;
    }
    for (size_t i = 0; i < g->n_nodes; i++) {
        const ol_node *n = g->nodes[i];
        info->n_accumulators += is_accumulator(n);
        for (size_t o = 0; o < n->n_outputs; o++) {
            const ol_value *v = n->outputs[o];
            size_t len = v ? strlen(v->name) : 0;
            if (len > 5 && strcmp(v->name + len - 5, GRAD_SUFFIX) == 0 && ol_graph_lookup(g, v->name) == v) {
                char base[1024];
                if (len - 5 < sizeof base) {
                    memcpy(base, v->name, len - 5);
                    base[len - 5] = '\0';
                    const ol_value *p = ol_graph_lookup(g, base);
                    info->n_gradients += p && (p->flags & OL_VALUE_INPUT);
                }
            }
        }
        if (is_optimizer(n))
            info->optimizer = n->op_type;
    }
}

/* ---- the rules ---- */

static bool same_type(onnxlint_model *m, const ol_type *a, const ol_type *b)
{
    if (a->kind != OL_TYPE_TENSOR || b->kind != OL_TYPE_TENSOR)
        return true;
    if (a->elem_type && b->elem_type && a->elem_type != b->elem_type)
        return false;
    if (a->shape.rank < 0 || b->shape.rank < 0)
        return true;
    if (a->shape.rank != b->shape.rank)
        return false;
    for (int i = 0; i < a->shape.rank; i++) {
        if (ol_dim_differ(&m->exprs, a->shape.dims[i], b->shape.dims[i]))
            return false;
    }
    return true;
}

static const char *type_text(onnxlint_model *m, const ol_value *v)
{
    char buf[256];
    return ol_finding_printf(m, "%s", ol_type_text(ol_value_type(v), buf, sizeof buf));
}

/* gradient-shape: a gradient and its buffer have the parameter's type. */
static void gradient_shape(onnxlint_model *m, const ol_node *acc)
{
    const ol_value *buffer = acc->n_inputs > 0 ? acc->inputs[0] : NULL, *grad = acc->n_inputs > 1 ? acc->inputs[1] : NULL;
    if (!buffer || !grad)
        return;
    size_t len = strlen(buffer->name), sl = strlen(BUFFER_SUFFIX);
    const ol_value *param = NULL;
    if (len > sl && strcmp(buffer->name + len - sl, BUFFER_SUFFIX) == 0) {
        char base[1024];
        if (len - sl < sizeof base) {
            memcpy(base, buffer->name, len - sl);
            base[len - sl] = '\0';
            param = ol_graph_lookup(m->graph, base);
        }
    }
    const ol_value *bad = NULL, *against = NULL;
    if (!same_type(m, ol_value_type(grad), ol_value_type(buffer)))
        bad = grad, against = buffer;
    else if (param && !same_type(m, ol_value_type(buffer), ol_value_type(param)))
        bad = buffer, against = param;
    if (!bad)
        return;
    ol_finding *f = ol_finding_add(m, "gradient-shape", acc, "'%s' is %s but '%s' is %s", bad->name,
                                   type_text(m, bad), against->name, type_text(m, against));
    if (!f)
        return;
    if (param)
        ol_finding_value_add(f, "parameter", param, NULL, NULL);
    ol_finding_value_add(f, "gradient", grad, NULL, NULL);
    ol_finding_value_add(f, "buffer", buffer, NULL, NULL);
    f->why = ol_finding_printf(m, "ONNX Runtime: InPlaceAccumulatorV2 adds the gradient into the buffer element by "
                                  "element; the optimizer then updates '%s' with it: every shape must agree",
                               param ? param->name : buffer->name);
    f->fix = ol_finding_printf(m, "regenerate the artifacts with onnxruntime.training.artifacts.generate_artifacts "
                                  "from the model as trained, and the checkpoint with them");
}

/* Drops the findings of rule at node (display name) or, with node NULL,
 * those whose message starts with prefix: a training rule or a loss rule
 * says it in the user's terms. */
static void drop_findings(onnxlint_model *m, const char *rule, const ol_node *node, const char *prefix)
{
    char idx[32];
    const char *name = node ? ol_node_display_name(node, idx, sizeof idx) : NULL;
    for (size_t i = 0; i < m->n_findings; i++) {
        ol_finding *f = &m->findings[i];
        if (strcmp(f->rule, rule) != 0)
            continue;
        if (name ? f->node && strcmp(f->node, name) == 0
                 : prefix && f->message && strncmp(f->message, prefix, strlen(prefix)) == 0)
            f->dropped = true;
    }
}

/* missing-gradient: each trainable parameter's buffer is accumulated from
 * a gradient the graph computes. */
static void missing_gradient(onnxlint_model *m, const ol_value *param, const ol_value *buffer)
{
    const ol_graph *g = m->graph;
    const ol_node *acc = NULL;
    for (size_t i = 0; i < buffer->n_consumers && !acc; i++) {
        if (is_accumulator(buffer->consumers[i]) && buffer->consumers[i]->inputs[0] == buffer)
            acc = buffer->consumers[i];
    }
    const ol_value *grad = with_suffix(g, param->name, GRAD_SUFFIX);
    const char *msg = NULL;
    const ol_node *at = acc;
    if (!acc)
        msg = ol_finding_printf(m, "parameter '%s' has an accumulation buffer that no InPlaceAccumulatorV2 updates",
                                param->name);
    else if (acc->n_inputs < 2 || !acc->inputs[1] || !acc->inputs[1]->producer)
        msg = ol_finding_printf(m, "the accumulator of '%s' adds '%s', which no node of the graph computes",
                                param->name, acc->n_inputs > 1 && acc->inputs[1] ? acc->inputs[1]->name : "");
    else if (grad && grad != acc->inputs[1])
        msg = ol_finding_printf(m, "the accumulator of '%s' adds '%s', not its gradient '%s'", param->name,
                                acc->inputs[1]->name, grad->name);
    else if (!grad && param->n_consumers == 0)
        msg = ol_finding_printf(m, "parameter '%s' is trainable but nothing in the graph reads it: it gets no gradient",
                                param->name);
    if (!msg)
        return;
    ol_finding *f = ol_finding_add(m, "missing-gradient", at, "%s", msg);
    if (!f)
        return;
    if (!acc) /* the unread buffer is this finding's symptom */
        drop_findings(m, "unused-input", NULL, ol_finding_printf(m, "graph input '%s' ", buffer->name));
    ol_finding_value_add(f, "parameter", param, NULL, NULL);
    f->why = "ONNX Runtime's optimizer step reads every trainable parameter's accumulated gradient: a parameter "
             "without one never changes (or the step updates it with another parameter's gradient)";
    f->fix = "regenerate the artifacts with generate_artifacts(model, requires_grad=[...]) naming exactly the "
             "parameters that train, and pass frozen ones in frozen_params";
}

/* A loss rule that fired on a loss's labels also explains the type and
 * shape errors of the gradient nodes reading the same labels
 * (SoftmaxCrossEntropyLossGrad): one mistake, one finding. */
static void supersede_gradient_errors(onnxlint_model *m)
{
    for (size_t l = 0; l < m->n_losses; l++) {
        const ol_loss_record *r = &m->losses[l];
        bool fired = false;
        for (size_t i = r->first_finding; i < r->first_finding + r->n_findings && i < m->n_findings; i++)
            fired |= m->findings[i].severity == ONNXLINT_ERROR && !m->findings[i].dropped;
        if (!fired || !r->labels_input)
            continue;
        for (size_t c = 0; c < r->labels_input->n_consumers; c++) {
            const ol_node *n = r->labels_input->consumers[c];
            if (!is_backward(n))
                continue;
            drop_findings(m, "type-error", n, NULL);
            drop_findings(m, "shape-error", n, NULL);
        }
    }
}

void ol_training_rules(onnxlint_model *m)
{
    const ol_graph *g = m->graph;
    if (!g || ol_artifact_kind_of(m) != OL_ARTIFACT_TRAINING)
        return;
    supersede_gradient_errors(m);
    for (size_t i = 0; i < g->n_nodes; i++) {
        if (is_accumulator(g->nodes[i]))
            gradient_shape(m, g->nodes[i]);
    }
    for (size_t i = 0; i < g->n_inputs; i++) {
        const ol_value *b = buffer_of(g, g->inputs[i]);
        if (b)
            missing_gradient(m, g->inputs[i], b);
    }
    /* A gradient the graph computes for a parameter but never accumulates. */
    for (size_t i = 0; i < g->n_inputs; i++) {
        const ol_value *p = g->inputs[i];
        const ol_value *grad = with_suffix(g, p->name, GRAD_SUFFIX);
        if (!grad || !grad->producer || buffer_of(g, p))
            continue;
        bool accumulated = false;
        for (size_t c = 0; c < grad->n_consumers; c++)
            accumulated |= is_accumulator(grad->consumers[c]);
        if (accumulated)
            continue;
        ol_finding *f = ol_finding_add(m, "missing-gradient", grad->producer,
                                       "the gradient '%s' of parameter '%s' is computed but never accumulated (no "
                                       "'%s%s' input)",
                                       grad->name, p->name, p->name, BUFFER_SUFFIX);
        if (f) {
            ol_finding_value_add(f, "parameter", p, NULL, NULL);
            f->fix = "regenerate the artifacts so that every parameter in requires_grad gets its accumulation buffer";
        }
    }
}

/* ---- the training graph and its eval graph ---- */

/* The folder part of a path and the file name's part before marker
 * ("training_model", "eval_model"); false when the name has no marker. */
static bool artifact_stem(const char *path, const char *marker, char *stem, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *at = strstr(base, marker);
    if (!at || (size_t)(at - path) >= cap)
        return false;
    memcpy(stem, path, (size_t)(at - path));
    stem[at - path] = '\0';
    return true;
}

static const ol_loss_record *first_loss(const onnxlint_model *m)
{
    return m->n_losses ? &m->losses[0] : NULL;
}

static const char *kind_name(ol_loss_kind k)
{
    static const char *const names[] = {"none", "cross_entropy", "nll", "bce_with_logits", "bce", "mse", "l1",
                                        "sparse_categorical_crossentropy", "categorical_crossentropy"};
    return (size_t)k < sizeof names / sizeof *names ? names[k] : "?";
}

/* Compares an eval graph with the training graph written with it and adds
 * a train-eval-mismatch finding to the eval graph at the first difference:
 * the loss kind, the logits, the labels, then the parameters. */
static void compare_artifacts(onnxlint_model *train, onnxlint_model *eval)
{
    const ol_loss_record *t = first_loss(train), *e = first_loss(eval);
    const char *msg = NULL;
    char a[256], b[256];
    if (!t || !e) {
        if (t || e)
            msg = ol_finding_printf(eval, "the %s graph has no loss, the %s graph has one", t ? "eval" : "training",
                                    t ? "training" : "eval");
    } else if (t->kind != e->kind) {
        msg = ol_finding_printf(eval, "the eval graph's loss is %s, the training graph's %s", kind_name(e->kind),
                                kind_name(t->kind));
    } else if (!same_type(eval, &e->logits_type, &t->logits_type) ||
               e->logits_type.shape.rank != t->logits_type.shape.rank) {
        msg = ol_finding_printf(eval, "the eval graph's logits are %s, the training graph's %s",
                                ol_type_text(&e->logits_type, a, sizeof a), ol_type_text(&t->logits_type, b, sizeof b));
    } else if (e->labels_input && t->labels_input &&
               (strcmp(e->labels_input->name, t->labels_input->name) != 0 ||
                !same_type(eval, &e->labels_type, &t->labels_type) ||
                e->labels_type.shape.rank != t->labels_type.shape.rank)) {
        msg = ol_finding_printf(eval, "the eval graph's labels '%s' are %s, the training graph's '%s' %s",
                                e->labels_input->name, ol_type_text(&e->labels_type, a, sizeof a),
                                t->labels_input->name, ol_type_text(&t->labels_type, b, sizeof b));
    } else {
        const ol_graph *tg = train->graph, *eg = eval->graph;
        for (size_t i = 0; i < tg->n_inputs && !msg; i++) {
            const ol_value *p = tg->inputs[i];
            if (!buffer_of(tg, p))
                continue;
            const ol_value *q = ol_graph_lookup(eg, p->name);
            if (!q || !(q->flags & OL_VALUE_INPUT))
                msg = ol_finding_printf(eval, "the training graph's parameter '%s' is not an input of the eval graph",
                                        p->name);
            else if (!same_type(eval, ol_value_type(q), ol_value_type(p)))
                msg = ol_finding_printf(eval, "parameter '%s' is %s in the eval graph, %s in the training graph",
                                        p->name, ol_type_text(ol_value_type(q), a, sizeof a),
                                        ol_type_text(ol_value_type(p), b, sizeof b));
        }
    }
    if (!msg)
        return;
    ol_finding *f = ol_finding_add(eval, "train-eval-mismatch", e ? e->node : NULL, "%s (training graph %s)", msg,
                                   train->path);
    if (!f)
        return;
    f->why = "ONNX Runtime's Module runs eval_model.onnx with the parameters training_model.onnx trains: two graphs "
             "from different models or export runs disagree on them";
    f->fix = "write training_model.onnx, eval_model.onnx and optimizer_model.onnx with one generate_artifacts call";
}

void onnxlint_check_artifacts(onnxlint_model *const *models, size_t n)
{
    size_t trains = 0, evals = 0, t_at = 0, e_at = 0;
    for (size_t i = 0; i < n; i++) {
        ol_artifact_kind k = models[i] && models[i]->analyzed ? ol_artifact_kind_of(models[i]) : OL_ARTIFACT_NONE;
        if (k == OL_ARTIFACT_TRAINING)
            trains++, t_at = i;
        else if (k == OL_ARTIFACT_EVAL)
            evals++, e_at = i;
    }
    if (trains == 1 && evals == 1) { /* given together: they belong together */
        compare_artifacts(models[t_at], models[e_at]);
        return;
    }
    /* Otherwise pair PREFIXtraining_model.onnx with PREFIXeval_model.onnx. */
    for (size_t i = 0; i < n; i++) {
        char ts[1024], es[1024];
        if (!models[i] || !models[i]->analyzed || ol_artifact_kind_of(models[i]) != OL_ARTIFACT_TRAINING ||
            !artifact_stem(models[i]->path, "training_model", ts, sizeof ts))
            continue;
        for (size_t j = 0; j < n; j++) {
            if (models[j] && models[j]->analyzed && ol_artifact_kind_of(models[j]) == OL_ARTIFACT_EVAL &&
                artifact_stem(models[j]->path, "eval_model", es, sizeof es) && strcmp(ts, es) == 0)
                compare_artifacts(models[i], models[j]);
        }
    }
}
