/*
 * loss.c - find the losses, their logits and labels, and run the loss rules.
 *
 * A loss is found three ways:
 *   - a loss node: SoftmaxCrossEntropyLoss or NegativeLogLikelihoodLoss
 *     (scores = input 0, labels = input 1, weight = input 2);
 *   - a loss pattern: the element-wise region exporters emit for losses
 *     ONNX has no operator for (BCE and BCE-with-logits as
 *     Sigmoid/Log/Sub/Mul/Neg/ReduceMean, Keras' max(x,0) - x*z +
 *     log(1+exp(-|x|)), MSE as Sub then Pow or Mul, L1 as Sub then Abs):
 *     the region is grown backwards from a graph output through
 *     element-wise and reduction ops; its leaves are the labels (graph
 *     inputs) and the prediction (a value produced outside the region);
 *   - a declared loss (--loss, --labels, --logits) for inference-only
 *     exports.
 * The logits are traced back through shape-only ops and activations to the
 * layer that produced them (Gemm/MatMul/Conv), whose weight explains the
 * class count; the labels are traced back to the graph input they come
 * from.
 *
 * Rules follow what the frameworks and the ONNX spec really accept:
 * PyTorch's cross_entropy takes int64 class indices (N, d1...) or float
 * probabilities of the logits' shape, ONNX's SoftmaxCrossEntropyLoss only
 * indices; BCE-with-logits wants float targets of exactly the logits'
 * shape; Keras' sparse categorical cross-entropy takes (N,) or (N,1).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/findings.h"
#include "analysis/frameworks.h"
#include "infer/infer.h"
#include "util/text.h"

/* Most nodes a loss pattern's region may hold (a loss is a handful). */
#define OL_MAX_LOSS_REGION 64
/* How far back logits and labels are traced (shape-only ops, bias...). */
#define OL_MAX_TRACE 32

typedef enum activation {
    ACT_RAW = 0,     /* unbounded scores (or unknown producer) */
    ACT_SOFTMAX,     /* probabilities over classes */
    ACT_LOG_SOFTMAX, /* log-probabilities */
    ACT_SIGMOID      /* per-element probabilities */
} activation;

typedef struct loss {
    ol_loss_kind kind;
    bool keras, from_logits, pattern;
    const char *origin;         /* for messages: "SoftmaxCrossEntropyLoss", "the BCE pattern"... */
    const ol_node *node;        /* loss node, the pattern's combining node, or NULL */
    const ol_node *region[OL_MAX_LOSS_REGION];
    size_t n_region;
    const ol_value *logits;     /* as the loss reads them */
    ol_type logits_type;
    const ol_value *labels;     /* as the loss reads them; NULL when declared */
    ol_type labels_type;
    const char *labels_name;    /* the graph input they come from, or the declared name */
    const ol_value *weight;
    bool has_ignore_index;
    int64_t ignore_index;
    int64_t weight_len, pos_weight_len; /* declared arguments (0: none) */
    double label_smoothing;
    ol_reduction reduction;     /* declared; OL_REDUCTION_IN_GRAPH for a loss in the graph */
    bool fired;                 /* a loss rule reported something */
    bool exported_with_logits;  /* the pattern is PyTorch's export of BCEWithLogitsLoss */
} loss;

typedef struct analysis {
    onnxlint_model *m;
    ol_exprs *exprs;
    const ol_check_options *options;
} analysis;

/* ---- tracing ---- */

static bool op_is(const ol_node *n, const char *op)
{
    /* the first letters differ for most pairs: no call for them */
    return n && n->domain[0] == '\0' && n->op_type[0] == op[0] && strcmp(n->op_type, op) == 0;
}

static bool is_shape_only(const ol_node *n)
{
    static const char *ops[] = {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Cast", "Transpose", "Dropout"};
    for (size_t i = 0; n && i < sizeof ops / sizeof *ops; i++) {
        if (op_is(n, ops[i]))
            return true;
    }
    return false;
}

/* The value v is computed from, past shape-only ops. */
static const ol_value *source(const ol_value *v)
{
    for (int i = 0; v && i < OL_MAX_TRACE && v->producer && is_shape_only(v->producer) && v->producer->n_inputs &&
                    v->producer->inputs[0];
         i++)
        v = v->producer->inputs[0];
    return v;
}

/* What kind of values v holds, judged by the op that made them. */
static activation activation_of(const ol_value *v)
{
    v = source(v);
    const ol_node *p = v ? v->producer : NULL;
    if (op_is(p, "Softmax"))
        return ACT_SOFTMAX;
    if (op_is(p, "LogSoftmax"))
        return ACT_LOG_SOFTMAX;
    if (op_is(p, "Sigmoid"))
        return ACT_SIGMOID;
    if (op_is(p, "Log") && p->n_inputs && p->inputs[0] && activation_of(p->inputs[0]) == ACT_SOFTMAX)
        return ACT_LOG_SOFTMAX;
    return ACT_RAW;
}

/* The activation node's input, for "Sigmoid of what". */
static const ol_value *activation_input(const ol_value *v)
{
    v = source(v);
    return v && v->producer && v->producer->n_inputs ? v->producer->inputs[0] : NULL;
}

static bool is_layer(const ol_node *n)
{
    return op_is(n, "Gemm") || op_is(n, "MatMul") || op_is(n, "Conv") || op_is(n, "ConvTranspose") ||
           op_is(n, "Einsum");
}

/* The layer that produced the logits (past shape-only ops, activations and
 * a bias Add), or NULL. */
static const ol_node *head_of(const ol_value *v)
{
    for (int i = 0; v && i < OL_MAX_TRACE; i++) {
        v = source(v);
        const ol_node *p = v ? v->producer : NULL;
        if (!p)
            return NULL;
        if (is_layer(p))
            return p;
        if (op_is(p, "Softmax") || op_is(p, "LogSoftmax") || op_is(p, "Sigmoid") || op_is(p, "Log")) {
            v = p->n_inputs ? p->inputs[0] : NULL;
        } else if (op_is(p, "Add") && p->n_inputs == 2) {
            /* bias: follow the input that is not a constant */
            const ol_value *a = p->inputs[0], *b = p->inputs[1];
            v = a && !(a->flags & OL_VALUE_INITIALIZER) && !(a->producer && op_is(a->producer, "Constant")) ? a : b;
        } else {
            return NULL;
        }
    }
    return NULL;
}

/* The head's weight initializer (Gemm/MatMul/Conv input 1, past a
 * Transpose), or NULL. */
static const ol_value *head_weight(const ol_node *head)
{
    if (!head || head->n_inputs < 2)
        return NULL;
    const ol_value *w = head->inputs[1];
    if (w && w->producer && op_is(w->producer, "Transpose") && w->producer->n_inputs)
        w = w->producer->inputs[0];
    return w && (w->flags & OL_VALUE_INITIALIZER) ? w : NULL;
}

/* Whether v is a single number the graph holds (a constant or an
 * initializer inference read); *k gets it when it is an integer of at
 * most 2^30 (else *integer is false). */
static bool constant_scalar(const ol_value *v, bool *integer, int64_t *k)
{
    const ol_data *d = v ? v->data : NULL;
    if (!d || d->count != 1)
        return false;
    *integer = d->values && d->values[0].kind == OL_DIM_VALUE && d->values[0].value >= -(1 << 30) &&
               d->values[0].value <= (1 << 30);
    *k = *integer ? d->values[0].value : 0;
    return true;
}

/* The graph input the labels come from: past Cast/Reshape/Squeeze/OneHot,
 * and past the addition or subtraction of a constant (labels - 1 for
 * classes numbered from 1 in the data).  *offset gets what the path adds
 * to the input's class indices (-1 for labels - 1); *exact says whether
 * that is all the path does: only casts to integers, changes of shape and
 * additions of integers, each value on it read by nothing else. */
static const ol_value *label_input(const ol_value *v, int64_t *offset, bool *exact)
{
    static const char *const same[] = {"Cast", "Identity", "Reshape", "Squeeze", "Unsqueeze", "Flatten"};
    *offset = 0;
    *exact = true;
    for (int i = 0; v && i < OL_MAX_TRACE; i++) {
        if (v->flags & OL_VALUE_INPUT)
            return v;
        const ol_node *p = v->producer;
        if (!p || !p->n_inputs)
            break;
        bool kept = false, integer = false;
        for (size_t k = 0; !p->domain[0] && k < sizeof same / sizeof *same; k++)
            kept |= strcmp(p->op_type, same[k]) == 0;
        kept &= !op_is(p, "Cast") || !ol_elem_is_floating(ol_value_type(v)->elem_type);
        int64_t k = 0;
        if (is_shape_only(p) || op_is(p, "OneHot")) {
            *exact &= kept;
            v = p->inputs[0];
        } else if ((op_is(p, "Sub") || op_is(p, "Add")) && p->n_inputs == 2 &&
                   constant_scalar(p->inputs[1], &integer, &k)) {
            *exact &= integer;
            *offset += op_is(p, "Sub") ? -k : k;
            v = p->inputs[0];
        } else if (op_is(p, "Add") && p->n_inputs == 2 && constant_scalar(p->inputs[0], &integer, &k)) {
            *exact &= integer;
            *offset += k;
            v = p->inputs[1];
        } else {
            break;
        }
        *exact &= v && v->n_consumers == 1;
    }
    *exact = false; /* no graph input at the end of the path */
    return v;
}

/* ---- text ---- */

static const char *type_text(analysis *a, const ol_type *t)
{
    ol_dim dims[OL_MAX_RANK];
    ol_type r = *t;
    if (t->kind == OL_TYPE_TENSOR && t->shape.rank > 0 && t->shape.rank <= OL_MAX_RANK) {
        for (int i = 0; i < t->shape.rank; i++)
            dims[i] = ol_dim_resolve(a->exprs, t->shape.dims[i]);
        r.shape.dims = dims;
    }
    char buf[512];
    ol_type_text(&r, buf, sizeof buf);
    const char *s = ol_finding_printf(a->m, "%s", buf);
    return s ? s : "?";
}

static const char *dim_text(analysis *a, ol_dim d)
{
    char buf[256], shown[256];
    ol_dim_text(ol_dim_resolve(a->exprs, d), buf, sizeof buf);
    ol_escape(shown, sizeof shown, buf, strlen(buf), false);
    const char *s = ol_finding_printf(a->m, "%s", shown);
    return s ? s : "?";
}

static const char *name_text(analysis *a, const char *name)
{
    char shown[256];
    if (!name)
        return "?";
    ol_escape(shown, sizeof shown, name, strlen(name), false);
    const char *s = ol_finding_printf(a->m, "%s", shown);
    return s ? s : "?";
}

/* "from Gemm '/fc/Gemm' (fc.weight [5,16]: 5 classes)" */
static bool is_regression(const loss *l)
{
    return l->kind == OL_LOSS_MSE || l->kind == OL_LOSS_L1 || l->kind == OL_LOSS_SMOOTH_L1 || l->kind == OL_LOSS_HUBER;
}

static const char *logits_note(analysis *a, const loss *l)
{
    const ol_node *head = head_of(l->logits);
    if (!head)
        return NULL;
    char idx[32];
    const ol_value *w = head_weight(head);
    const char *act = "";
    switch (activation_of(l->logits)) {
    case ACT_SOFTMAX: act = ", then Softmax"; break;
    case ACT_LOG_SOFTMAX: act = ", then LogSoftmax"; break;
    case ACT_SIGMOID: act = ", then Sigmoid"; break;
    default: break;
    }
    if (!w)
        return ol_finding_printf(a->m, "from %s '%s'%s", head->op_type,
                                 name_text(a, ol_node_display_name(head, idx, sizeof idx)), act);
    const ol_type *wt = ol_value_type(w);
    /* The class count: Gemm with transB has the weight (C, K); MatMul (K, C); Conv (C, ...). */
    ol_dim classes = ol_dim_unknown();
    if (wt->kind == OL_TYPE_TENSOR && wt->shape.rank >= 2) {
        bool transposed = op_is(head, "Gemm") ? ol_node_attribute_int(head, "transB", 0) != 0
                          : op_is(head, "Conv") || (head->inputs[1] && head->inputs[1]->producer)
                              ? true
                              : false;
        classes = transposed ? wt->shape.dims[0] : wt->shape.dims[wt->shape.rank - 1];
    }
    if (classes.kind == OL_DIM_VALUE)
        return ol_finding_printf(a->m, "from %s '%s' (%s %s: %lld %s)%s", head->op_type,
                                 name_text(a, ol_node_display_name(head, idx, sizeof idx)), name_text(a, w->name),
                                 type_text(a, wt) + strcspn(type_text(a, wt), "["), (long long)classes.value,
                                 is_regression(l) ? (classes.value == 1 ? "output" : "outputs")
                                                  : (classes.value == 1 ? "class" : "classes"),
                                 act);
    return ol_finding_printf(a->m, "from %s '%s' (%s %s)%s", head->op_type,
                             name_text(a, ol_node_display_name(head, idx, sizeof idx)), name_text(a, w->name),
                             type_text(a, wt) + strcspn(type_text(a, wt), "["), act);
}

static const char *kind_name(const loss *l)
{
    switch (l->kind) {
    case OL_LOSS_CROSS_ENTROPY: return "cross_entropy";
    case OL_LOSS_NLL: return "nll_loss";
    case OL_LOSS_BCE_WITH_LOGITS: return "binary_cross_entropy_with_logits";
    case OL_LOSS_BCE: return "binary_cross_entropy";
    case OL_LOSS_MSE: return "mse_loss";
    case OL_LOSS_L1: return "l1_loss";
    case OL_LOSS_SPARSE_CATEGORICAL: return "sparse_categorical_crossentropy";
    case OL_LOSS_CATEGORICAL: return "categorical_crossentropy";
    case OL_LOSS_SMOOTH_L1: return "smooth_l1_loss";
    case OL_LOSS_HUBER: return "huber_loss";
    case OL_LOSS_KL_DIV: return "kl_div";
    case OL_LOSS_CTC: return "ctc_loss";
    default: return "loss";
    }
}

/* Starts a finding about loss l with the logits and labels attached. */
static ol_finding *report(analysis *a, loss *l, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static ol_finding *report(analysis *a, loss *l, const char *rule, const char *fmt, ...)
{
    char msg[1536];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ol_finding *f = ol_finding_add(a->m, rule, l->node, "%s", msg);
    if (!f)
        return NULL;
    l->fired = true;
    ol_finding_value_add(f, is_regression(l) ? "prediction" : "logits", l->logits, &l->logits_type,
                         logits_note(a, l));
    if (l->labels_name) {
        const char *note = l->labels ? (l->labels->flags & OL_VALUE_INPUT ? "graph input" : NULL) : "declared (--labels or .onnxlint.yaml)";
        ol_finding_value_add(f, is_regression(l) ? "target" : "labels", l->labels, &l->labels_type, note);
        f->values[f->n_values - 1].name = l->labels_name;
    }
    if (l->weight)
        ol_finding_value_add(f, "weight", l->weight, NULL, NULL);
    return f;
}

/* ---- dims ---- */

typedef enum dim_relation { DIM_UNKNOWN, DIM_EQUAL, DIM_DIFFER, DIM_UNRELATED } dim_relation;

/* How two dims relate: equal, provably different (different sizes, or
 * expressions a constant apart or a constant factor apart such as 2*N vs
 * N), or different symbols nothing equates.  Two symbols of which one is
 * anonymous (unk__N: an exporter's placeholder) are unknown, not
 * unrelated: nothing rests on a name nobody chose. */
static dim_relation relate(analysis *a, ol_dim x, ol_dim y)
{
    x = ol_dim_resolve(a->exprs, x);
    y = ol_dim_resolve(a->exprs, y);
    if (x.kind == OL_DIM_UNKNOWN || y.kind == OL_DIM_UNKNOWN)
        return DIM_UNKNOWN;
    if (ol_dim_equal(a->exprs, x, y))
        return DIM_EQUAL;
    if (ol_dim_compare(a->exprs, x, y) == OL_DIM_ORDER_DIFFERENT)
        return DIM_DIFFER; /* for every size >= 1: N*T-N vs N*T */
    if (x.kind == OL_DIM_SYMBOL && y.kind == OL_DIM_SYMBOL) {
        ol_dim q = ol_dim_div_exact(a->exprs, x, y), r = ol_dim_div_exact(a->exprs, y, x);
        if ((q.kind == OL_DIM_VALUE && q.value != 1) || (r.kind == OL_DIM_VALUE && r.value != 1))
            return DIM_DIFFER;
    }
    if (ol_dim_is_anonymous(x) || ol_dim_is_anonymous(y))
        return DIM_UNKNOWN;
    return DIM_UNRELATED;
}

static bool is_tensor_with_rank(const ol_type *t)
{
    return t->kind == OL_TYPE_TENSOR && t->shape.rank >= 0;
}

static bool is_float(int32_t e)
{
    return ol_elem_is_floating(e);
}

static bool is_int(int32_t e)
{
    return e && ol_elem_is_integral(e) && e != 9;
}

static bool known_one(analysis *a, ol_dim d)
{
    d = ol_dim_resolve(a->exprs, d);
    return d.kind == OL_DIM_VALUE && d.value == 1;
}

/* True when a dim's text multiplies two symbols ("N*T", not "2*N"): the
 * rows of flattened sequences. */
static bool symbol_product(const char *text)
{
    for (const char *p = strchr(text, '*'); p; p = strchr(p + 1, '*')) {
        if (p > text && ((p[-1] >= 'A' && p[-1] <= 'Z') || (p[-1] >= 'a' && p[-1] <= 'z') || p[-1] == '_'))
            return true;
    }
    return false;
}

/* Compares the batch and spatial dims of labels against the logits' dims
 * at the given axes; reports batch-mismatch. */
static void check_batch(analysis *a, loss *l, const int *label_axes, const int *logit_axes, int n)
{
    for (int k = 0; k < n; k++) {
        ol_dim ld = l->labels_type.shape.dims[label_axes[k]], xd = l->logits_type.shape.dims[logit_axes[k]];
        dim_relation r = relate(a, ld, xd);
        if (r != DIM_DIFFER && r != DIM_UNRELATED)
            continue;
        const char *what = label_axes[k] == 0 ? "batch" : "spatial";
        ol_finding *f =
            report(a, l, "batch-mismatch", "%s dim of labels %s is %s but the logits' %s is %s", what,
                   type_text(a, &l->labels_type), dim_text(a, ld), type_text(a, &l->logits_type), dim_text(a, xd));
        if (!f)
            return;
        if (r == DIM_UNRELATED) {
            f->severity = ONNXLINT_WARNING;
            f->why = ol_finding_printf(a->m, "nothing in the model makes %s equal to %s: the loss only works for inputs "
                                             "where they happen to agree",
                                       dim_text(a, ld), dim_text(a, xd));
            if (label_axes[k] == 0 && (l->kind == OL_LOSS_CROSS_ENTROPY || l->kind == OL_LOSS_NLL))
                f->why = ol_finding_printf(a->m, "%s; where they differ, PyTorch: ValueError: Expected input batch_size "
                                                 "(%s) to match target batch_size (%s).",
                                           f->why, dim_text(a, xd), dim_text(a, ld));
        } else {
            f->why = ol_finding_printf(a->m, "PyTorch: ValueError: Expected input batch_size (%s) to match target "
                                             "batch_size (%s).",
                                       dim_text(a, xd), dim_text(a, ld));
        }
        /* Flattened sequences (N*T rows) want the same shift on both sides,
         * not a different flatten. */
        bool sequence = label_axes[k] == 0 && (symbol_product(dim_text(a, ld)) || symbol_product(dim_text(a, xd)));
        f->fix = ol_finding_printf(
            a->m, "%s", sequence ? "shift logits and labels alike before flattening them: logits[:, :-1] with "
                                   "labels[:, 1:], then view(-1, V) and view(-1)"
                        : label_axes[k] == 0 ? "keep the batch dim through the network: flatten with x.flatten(1) (or "
                                               "x.view(x.size(0), -1)) instead of x.view(-1, K)"
                                             : "produce labels at the logits' resolution (resize the masks, or "
                                               "upsample the logits to the labels' size)");
        return; /* one batch finding per loss */
    }
}

/* ---- the rules ---- */

/* Class-index losses: SoftmaxCrossEntropyLoss, NLL, cross_entropy with
 * integer labels, Keras' sparse categorical cross-entropy. */
static void check_index_labels(analysis *a, loss *l)
{
    const ol_type *X = &l->logits_type, *L = &l->labels_type;
    int rx = X->shape.rank, rl = L->shape.rank;
    const char *loss_name = l->node ? l->node->op_type : kind_name(l);
    if (rx >= 2 && rl == rx - 1) {
        /* class-axis: labels fit the logits without their LAST axis, not axis 1 */
        if (rx >= 3) {
            bool fits_last = true, fits_axis1 = true;
            for (int i = 0; i < rl; i++) {
                fits_last &= relate(a, L->shape.dims[i], X->shape.dims[i]) == DIM_EQUAL;
                fits_axis1 &= relate(a, L->shape.dims[i], X->shape.dims[i == 0 ? 0 : i + 1]) == DIM_EQUAL;
            }
            if (fits_last && !fits_axis1) {
                ol_finding *f = report(a, l, "class-axis",
                                       "logits %s have the classes on the last axis, but %s reads them from axis 1 "
                                       "(labels %s match the logits without their last axis)",
                                       type_text(a, X), loss_name, type_text(a, L));
                if (f) {
                    ol_fw_verdict v = {.message = OL_FW_PT_TARGET_SIZE};
                    ol_fw_arg(&v, "expected_list",
                              ol_finding_printf(a->m, "[%s, %s]", dim_text(a, X->shape.dims[0]),
                                                dim_text(a, X->shape.dims[rx - 1])));
                    ol_fw_arg(&v, "target_list", ol_fw_shape(a->m, L, OL_FW_PYTORCH, false, false));
                    f->why = ol_fw_why(a->m, &v);
                    f->fix = ol_finding_printf(a->m, "move the classes to axis 1 before the loss: "
                                                     "F.cross_entropy(logits.transpose(1, 2), labels) (a Transpose "
                                                     "with perm [0,2,1] in the graph)");
                }
                return;
            }
        }
        int label_axes[OL_MAX_RANK], logit_axes[OL_MAX_RANK];
        for (int i = 0; i < rl && i < OL_MAX_RANK; i++) {
            label_axes[i] = i;
            logit_axes[i] = i == 0 ? 0 : i + 1;
        }
        check_batch(a, l, label_axes, logit_axes, rl);
        return;
    }
    if (rx >= 2 && rl == rx) {
        ol_finding *f;
        if (known_one(a, L->shape.dims[1]) && !known_one(a, X->shape.dims[1])) {
            f = report(a, l, "label-rank",
                       "labels %s have a size-1 axis 1: %s takes class indices shaped like the logits %s without "
                       "the class axis",
                       type_text(a, L), loss_name, type_text(a, X));
            if (f) {
                f->why = ol_finding_printf(a->m, "%s", rx == 2 ? "PyTorch: RuntimeError: 0D or 1D target tensor "
                                                                 "expected, multi-target not supported"
                                                               : "PyTorch: RuntimeError: only batches of spatial "
                                                                 "targets supported (3D tensors) but got targets of "
                                                                 "size: [N, 1, H, W]");
                f->fix = ol_finding_printf(a->m, "squeeze the label axis: labels.squeeze(1) (a %s of int64 labels)",
                                           rx == 2 ? "(N,) vector" : "(N,H,W) mask");
            }
        } else if (l->keras && l->kind == OL_LOSS_SPARSE_CATEGORICAL) {
            f = report(a, l, "label-rank",
                       "labels %s are per-class (one-hot) targets, but sparse_categorical_crossentropy takes integer "
                       "class indices (N,) or (N,1) for logits %s",
                       type_text(a, L), type_text(a, X));
            if (f) {
                /* Keras flattens the labels and reshapes the logits to
                 * (-1, C): the kernel then sees (rows, C) and (elements,),
                 * in TensorShape::DebugString's form "[4,10]". */
                ol_dim rows = ol_dim_value(1), elements = ol_dim_value(1);
                for (int i = 0; i + 1 < X->shape.rank; i++)
                    rows = ol_dim_mul(a->exprs, rows, X->shape.dims[i]);
                for (int i = 0; i < L->shape.rank; i++)
                    elements = ol_dim_mul(a->exprs, elements, L->shape.dims[i]);
                ol_fw_verdict v = {.message = OL_FW_KERAS_SPARSE_FIRST_DIM};
                ol_fw_arg(&v, "logits_2d",
                          ol_finding_printf(a->m, "[%s,%s]", dim_text(a, rows),
                                            dim_text(a, X->shape.dims[X->shape.rank - 1])));
                ol_fw_arg(&v, "labels_1d", ol_finding_printf(a->m, "[%s]", dim_text(a, elements)));
                f->why = ol_fw_why(a->m, &v);
                f->fix = ol_finding_printf(a->m, "use categorical_crossentropy for one-hot labels, or pass "
                                                 "np.argmax(labels, axis=-1) to sparse_categorical_crossentropy");
            }
        } else if (is_int(L->elem_type)) {
            f = report(a, l, "label-rank",
                       "labels %s have the logits' rank: one-hot labels where %s expects class indices shaped like "
                       "%s without the class axis",
                       type_text(a, L), loss_name, type_text(a, X));
            if (f) {
                f->why = ol_finding_printf(a->m, "PyTorch: RuntimeError: 0D or 1D target tensor expected, "
                                                 "multi-target not supported");
                f->fix = ol_finding_printf(a->m, "pass class indices: labels.argmax(1) (int64), or train with float "
                                                 "one-hot targets (F.cross_entropy accepts class probabilities; "
                                                 "BCEWithLogitsLoss for multi-label)");
            }
        }
        return;
    }
    if (rl >= 0 && rx >= 0) {
        ol_finding *f = report(a, l, "label-rank",
                               "labels %s have rank %d; %s takes class indices of rank %d (the logits %s without the "
                               "class axis)",
                               type_text(a, L), rl, loss_name, rx - 1, type_text(a, X));
        if (f)
            f->fix = ol_finding_printf(a->m, "reshape the labels to the logits' shape without axis 1");
    }
}

/* Keras' words for labels that do not have the logits' shape: categorical
 * cross-entropy asserts compatible shapes ("Shapes (None, 1) and (None, 10)
 * are incompatible"), binary cross-entropy from logits goes through
 * sigmoid_cross_entropy_with_logits. */
static const char *keras_shape_why(analysis *a, const loss *l)
{
    ol_fw_verdict v = {.message = l->kind == OL_LOSS_CATEGORICAL ? OL_FW_KERAS_INCOMPATIBLE
                                                                 : OL_FW_KERAS_LOGITS_LABELS_SHAPE};
    ol_fw_arg(&v, "labels", ol_fw_shape(a->m, &l->labels_type, OL_FW_KERAS, false, true));
    ol_fw_arg(&v, "logits", ol_fw_shape(a->m, &l->logits_type, OL_FW_KERAS, false, true));
    return ol_fw_why(a->m, &v);
}

/* The why of a mistake the framework computes through without a word,
 * where there are no words to quote: "PyTorch computes it without a
 * word: " (Keras for a loss named the Keras way), then what goes wrong. */
static const char *silent_why(analysis *a, const loss *l, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static const char *silent_why(analysis *a, const loss *l, const char *fmt, ...)
{
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return ol_finding_printf(a->m, "%s computes it without a word: %s", l->keras ? "Keras" : "PyTorch", what);
}

/* Whether Keras' twin of a PyTorch message applies to this loss: Keras'
 * binary_crossentropy on probabilities reaches
 * sigmoid_cross_entropy_with_logits (and its shape error) only from a
 * Sigmoid's output; on other probabilities it computes element by element
 * and fails, if at all, in TensorFlow's broadcasting. */
static bool keras_twin_applies(const loss *l)
{
    return l->kind != OL_LOSS_BCE || activation_of(l->logits) == ACT_SIGMOID;
}

/* PyTorch's words for targets without the logits' shape (BCEWithLogits'
 * "Target size" error), with Keras' twin for the binary losses, whose
 * Keras form goes through sigmoid_cross_entropy_with_logits. */
static const char *pytorch_shape_why(analysis *a, const loss *l)
{
    ol_fw_verdict v = {.message = OL_FW_PT_BCE_LOGITS_SIZE};
    ol_fw_arg(&v, "target_size", ol_fw_shape(a->m, &l->labels_type, OL_FW_PYTORCH, true, false));
    ol_fw_arg(&v, "input_size", ol_fw_shape(a->m, &l->logits_type, OL_FW_PYTORCH, true, false));
    if (l->kind == OL_LOSS_BCE || l->kind == OL_LOSS_BCE_WITH_LOGITS)
        return ol_fw_why_twin(a->m, &v, &l->logits_type, &l->labels_type, keras_twin_applies(l));
    return ol_fw_why(a->m, &v);
}

/* Targets of the logits' shape: probabilities / one-hot for cross_entropy
 * and categorical cross-entropy, BCE targets, regression targets. */
static void check_same_shape_targets(analysis *a, loss *l, bool elementwise)
{
    const ol_type *X = &l->logits_type, *L = &l->labels_type;
    int rx = X->shape.rank, rl = L->shape.rank;
    /* Keras' sigmoid_cross_entropy_with_logits (binary_crossentropy with
     * from_logits=True) raises on any shape difference: no broadcasting. */
    if (l->keras && l->kind == OL_LOSS_BCE && l->from_logits)
        elementwise = false;
    if (rl != rx) {
        /* An element-wise loss of (N,1) and (N,) broadcasts to (N,N). */
        bool broadcasts = elementwise && rx >= 1 && rl >= 1 && abs(rx - rl) == 1;
        if (broadcasts) {
            const ol_type *longer = rx > rl ? X : L, *shorter = rx > rl ? L : X;
            broadcasts = known_one(a, longer->shape.dims[longer->shape.rank - 1]) &&
                         !known_one(a, shorter->shape.dims[shorter->shape.rank - 1]);
        }
        if (broadcasts) {
            ol_finding *f = report(a, l, "broadcast-loss",
                                   "prediction %s and target %s of %s have different shapes that broadcast to a "
                                   "matrix: every prediction is compared with every target",
                                   type_text(a, X), type_text(a, L), kind_name(l));
            if (f) {
                ol_fw_verdict v = {.message = OL_FW_PT_BROADCAST_WARNING};
                ol_fw_arg(&v, "target_size", ol_fw_shape(a->m, L, OL_FW_PYTORCH, true, false));
                ol_fw_arg(&v, "input_size", ol_fw_shape(a->m, X, OL_FW_PYTORCH, true, false));
                f->why = ol_fw_why(a->m, &v);
                f->fix = ol_finding_printf(a->m, "give both the same shape: %s",
                                           rx > rl ? "pred.squeeze(1) (or labels.unsqueeze(1))"
                                                   : "labels.squeeze(1) (or pred.unsqueeze(1))");
            }
            return;
        }
        if (rx < 0 || rl < 0)
            return;
        ol_finding *f = report(a, l, "label-rank",
                               "labels %s do not have the logits' shape %s, which %s needs (%s)", type_text(a, L),
                               type_text(a, X), kind_name(l),
                               is_int(L->elem_type) ? "integer class indices were given where per-class targets are "
                                                      "expected"
                                                    : "one target per logit");
        if (f) {
            f->why = l->keras ? keras_shape_why(a, l) : pytorch_shape_why(a, l);
            if (is_int(L->elem_type) && rl == rx - 1)
                f->fix = ol_finding_printf(a->m, "%s", l->keras ? "use sparse_categorical_crossentropy for integer "
                                                                  "labels, or one-hot encode them "
                                                                  "(keras.utils.to_categorical)"
                                                                : "use F.cross_entropy with the int64 class indices, or "
                                                                  "one-hot encode them: F.one_hot(labels, C).float()");
            else
                f->fix = ol_finding_printf(a->m, "give the targets the logits' shape %s",
                                           type_text(a, X) + strcspn(type_text(a, X), "["));
        }
        return;
    }
    if (rx < 1)
        return;
    /* Same rank: the class axis (1 for rank >= 2, the only axis for rank 1 is the batch). */
    if (rx >= 2) {
        ol_dim lc = L->shape.dims[1], xc = X->shape.dims[1];
        dim_relation r = relate(a, lc, xc);
        if (r == DIM_DIFFER && elementwise && (known_one(a, lc) || known_one(a, xc)) && rx == 2) {
            ol_finding *f = report(a, l, "broadcast-loss",
                                   "prediction %s and target %s of %s broadcast along the class axis", type_text(a, X),
                                   type_text(a, L), kind_name(l));
            if (f)
                f->fix = ol_finding_printf(a->m, "give both the same shape");
            return;
        }
        if (r == DIM_DIFFER) {
            ol_finding *f = report(a, l, "class-count",
                                   "labels %s encode %s classes but the logits %s have %s", type_text(a, L),
                                   dim_text(a, lc), type_text(a, X), dim_text(a, xc));
            if (f) {
                f->why = l->keras ? keras_shape_why(a, l) : pytorch_shape_why(a, l);
                f->fix = ol_finding_printf(a->m, "one-hot encode with num_classes=%s (%s(y, %s)%s), or give the head "
                                                 "%s outputs",
                                           dim_text(a, xc), l->keras ? "keras.utils.to_categorical" : "F.one_hot",
                                           dim_text(a, xc), l->keras ? "" : ".float()", dim_text(a, lc));
            }
            return;
        }
    }
    int label_axes[OL_MAX_RANK], logit_axes[OL_MAX_RANK], n = 0;
    for (int i = 0; i < rx && i < OL_MAX_RANK; i++) {
        if (i == 1)
            continue;
        label_axes[n] = i;
        logit_axes[n++] = i;
    }
    check_batch(a, l, label_axes, logit_axes, n);
}

static void check_dtype(analysis *a, loss *l, bool want_int)
{
    int32_t e = l->labels_type.elem_type;
    /* Keras casts the targets itself: only their shape matters there. */
    if (!e || (want_int ? is_int(e) : is_float(e)) || l->keras)
        return;
    const char *loss_name = l->node && !l->pattern ? l->node->op_type : kind_name(l);
    ol_finding *f;
    if (want_int) {
        f = report(a, l, "label-dtype", "labels %s are %s, but %s takes integer class indices",
                   type_text(a, &l->labels_type), is_float(e) ? "floats" : ol_elem_type_name(e), loss_name);
        if (f) {
            f->why = ol_finding_printf(a->m, "%s", l->node && !l->pattern
                                                       ? "ONNX: SoftmaxCrossEntropyLoss and NegativeLogLikelihoodLoss "
                                                         "take int32/int64 labels; runtimes reject float ones "
                                                         "(PyTorch exports class-probability targets this way, but no "
                                                         "ONNX runtime can train on them)"
                                                       : "PyTorch: RuntimeError: expected scalar type Long but found "
                                                         "Float");
            f->fix = ol_finding_printf(a->m, "pass int64 class indices (labels.argmax(1) for one-hot targets), or use "
                                             "BCEWithLogitsLoss for per-class float targets");
        }
    } else {
        f = report(a, l, "label-dtype", "labels %s are %s, but %s takes float targets", type_text(a, &l->labels_type),
                   e == 9 ? "booleans" : "integers", loss_name);
        if (f) {
            f->why = ol_finding_printf(a->m, "PyTorch: RuntimeError: result type Float can't be cast to the desired "
                                             "output type Long");
            f->fix = ol_finding_printf(a->m, "%s",
                                       l->kind == OL_LOSS_BCE_WITH_LOGITS || l->kind == OL_LOSS_BCE
                                           ? "one-hot encode the class indices as floats: F.one_hot(labels, C).float() "
                                             "(or use F.cross_entropy with the int64 indices)"
                                           : "convert the targets to float: labels.float()");
        }
    }
}

/* ---- declared PyTorch losses: PyTorch's own rules (frameworks.c) ---- */

static ol_fw_values values_of(const loss *l)
{
    switch (activation_of(l->logits)) {
    case ACT_SOFTMAX:
    case ACT_SIGMOID: return OL_FW_VALUES_PROBABILITIES;
    case ACT_LOG_SOFTMAX: return OL_FW_VALUES_LOG_PROBABILITIES;
    default: return head_of(l->logits) ? OL_FW_VALUES_RAW : OL_FW_VALUES_UNKNOWN;
    }
}

/* Runs PyTorch's rules on a declared loss and reports their verdict: a
 * raise is an error in PyTorch's words, a warning or a raise that depends
 * on sizes nothing relates is a warning.  True when it reported. */
static bool pytorch_declared(analysis *a, loss *l)
{
    ol_fw_call c = {.kind = l->kind,
                    .input = &l->logits_type,
                    .target = &l->labels_type,
                    .values = values_of(l),
                    .weight_len = l->weight_len ? l->weight_len : -1,
                    .pos_weight_len = l->pos_weight_len ? l->pos_weight_len : -1,
                    .reduction = l->reduction};
    ol_fw_verdict v;
    ol_fw_pytorch_loss(a->m, &c, &v);
    if (v.outcome == OL_FW_ACCEPTS)
        return false;
    const ol_fw_message *msg = &ol_fw_messages[v.message];
    const ol_type *X = &l->logits_type, *L = &l->labels_type;
    const ol_node *head = head_of(l->logits);
    ol_fw_arg(&v, "loss", kind_name(l));
    ol_fw_arg(&v, "input_type", type_text(a, X));
    ol_fw_arg(&v, "target_type", type_text(a, L));
    ol_fw_arg(&v, "head", head ? head->op_type : "a layer");
    const char *expected_list = NULL;
    for (int i = 0; i < v.n_args; i++) {
        if (strcmp(v.keys[i], "expected_list") == 0)
            expected_list = v.values[i];
    }
    ol_fw_arg(&v, "expected_type",
              ol_finding_printf(a->m, "int64%s", expected_list ? expected_list : "[?]"));
    const char *rule = msg->rule;
    /* (N,T,C) logits with (N,T) labels: the classes sit on the last axis. */
    if (v.message == OL_FW_PT_TARGET_SIZE && X->shape.rank >= 3 && L->shape.rank == X->shape.rank - 1) {
        bool fits_last = true;
        for (int i = 0; i < L->shape.rank; i++)
            fits_last &= relate(a, L->shape.dims[i], X->shape.dims[i]) == DIM_EQUAL;
        if (fits_last)
            rule = "class-axis";
    }
    /* (N,5) targets for (N,4) outputs: the same rank, only the class axis
     * differs, so the labels encode another number of classes ((N,1) is a
     * column of labels: label-rank). */
    bool class_count = false;
    if ((v.message == OL_FW_PT_BCE_LOGITS_SIZE || v.message == OL_FW_PT_BCE_SIZE ||
         (v.message == OL_FW_PT_BROADCAST && l->kind == OL_LOSS_KL_DIV)) &&
        X->shape.rank >= 2 && L->shape.rank == X->shape.rank && !known_one(a, L->shape.dims[1]) &&
        relate(a, L->shape.dims[1], X->shape.dims[1]) == DIM_DIFFER) {
        class_count = true;
        for (int i = 0; i < X->shape.rank; i++)
            class_count &= i == 1 || relate(a, L->shape.dims[i], X->shape.dims[i]) == DIM_EQUAL;
    }
    if (class_count)
        rule = "class-count";
    ol_finding *f = class_count ? report(a, l, rule, "labels %s encode %s classes but the logits %s have %s",
                                         type_text(a, L), dim_text(a, L->shape.dims[1]), type_text(a, X),
                                         dim_text(a, X->shape.dims[1]))
                                : report(a, l, rule, "%s", ol_fw_fill(a->m, msg->summary, &v));
    if (!f)
        return true;
    const char *why = ol_fw_why_twin(a->m, &v, X, L, keras_twin_applies(l)); /* with Keras' words where Keras has them */
    if (v.outcome == OL_FW_MAY_RAISE) {
        f->severity = ONNXLINT_WARNING;
        f->why = ol_finding_printf(a->m, "nothing in the model makes these sizes equal; where they differ, %s", why);
    } else {
        f->severity = v.outcome == OL_FW_RAISES ? ONNXLINT_ERROR : ONNXLINT_WARNING;
        f->why = why;
    }
    f->fix = ol_fw_fill(a->m, msg->fix, &v);
    if (class_count && l->kind != OL_LOSS_KL_DIV)
        f->fix = ol_finding_printf(a->m, "one-hot encode with num_classes=%s (F.one_hot(y, %s).float()), or give the "
                                         "head %s outputs",
                                   dim_text(a, X->shape.dims[1]), dim_text(a, X->shape.dims[1]),
                                   dim_text(a, L->shape.dims[1]));
    return v.outcome == OL_FW_RAISES;
}

/* ---- whose rules: the producer's framework next to ONNX's spec ---- */

/* The framework that exported the model, by its producer_name. */
static bool made_by_pytorch(const onnxlint_model *m)
{
    const char *p = m->proto ? m->proto->producer_name : NULL;
    return p && strcmp(p, "pytorch") == 0;
}

/* A loss in the graph is judged by ONNX's operator spec (the rules above)
 * and, when PyTorch exported it, by PyTorch's rules for the function it
 * came from: a finding PyTorch would raise on carries PyTorch's words; a
 * loss node PyTorch accepts but ONNX's spec does not (class probabilities
 * into SoftmaxCrossEntropyLoss) is a warning that says so. */
static void producer_rules(analysis *a, loss *l, size_t first)
{
    if (!made_by_pytorch(a->m) || l->keras)
        return;
    ol_fw_call c = {.kind = l->kind,
                    .input = &l->logits_type,
                    .target = &l->labels_type,
                    .values = values_of(l),
                    .weight_len = -1,
                    .pos_weight_len = -1,
                    .reduction = OL_REDUCTION_IN_GRAPH};
    if (l->pattern && l->kind == OL_LOSS_BCE && activation_of(l->logits) == ACT_SIGMOID) {
        /* torch 1.13 exports binary_cross_entropy_with_logits as this very
         * Sigmoid/Log pattern: judge it as the call the user most likely made */
        c.kind = OL_LOSS_BCE_WITH_LOGITS;
        c.values = OL_FW_VALUES_RAW;
    }
    ol_fw_verdict v;
    ol_fw_pytorch_loss(a->m, &c, &v);
    for (size_t i = first; i < a->m->n_findings; i++) {
        ol_finding *f = &a->m->findings[i];
        if (f->severity != ONNXLINT_ERROR)
            continue;
        if (v.outcome == OL_FW_RAISES && strcmp(f->rule, ol_fw_messages[v.message].rule) == 0) {
            f->why = ol_fw_why_twin(a->m, &v, &l->logits_type, &l->labels_type, keras_twin_applies(l));
        } else if (v.outcome == OL_FW_ACCEPTS && l->node && !l->pattern && strcmp(f->rule, "label-dtype") == 0) {
            f->severity = ONNXLINT_WARNING;
            f->why = ol_finding_printf(a->m, "PyTorch accepts these labels (%s takes float class probabilities of the "
                                             "logits' shape), but ONNX's %s takes int32/int64 labels only: "
                                             "onnx.checker (full check) and ONNX Runtime reject the exported model",
                                       kind_name(l), l->node->op_type);
        }
    }
}

/* The axis a Softmax/LogSoftmax normalizes (0..rank-1), or -1. */
static int softmax_axis(const ol_node *p)
{
    const ol_type *t = p && p->n_outputs && p->outputs[0] ? ol_value_type(p->outputs[0]) : NULL;
    if (!t || t->kind != OL_TYPE_TENSOR || t->shape.rank < 1)
        return -1;
    int64_t axis = ol_node_attribute_int(p, "axis", p->opset >= 13 ? -1 : 1);
    if (axis < 0)
        axis += t->shape.rank;
    return axis >= 0 && axis < t->shape.rank ? (int)axis : -1;
}

/* softmax/log_softmax over an axis that is not the classes' (dim=0 over the
 * batch, or a spatial axis) before a loss that reads classes on class_axis:
 * PyTorch computes it without a word, and the model learns nothing useful. */
static void check_softmax_axis(analysis *a, loss *l)
{
    const ol_value *v = source(l->logits);
    const ol_node *p = v ? v->producer : NULL;
    if (op_is(p, "Log") && p->n_inputs && p->inputs[0])
        p = source(p->inputs[0]) ? source(p->inputs[0])->producer : NULL;
    if (!(op_is(p, "Softmax") || op_is(p, "LogSoftmax")))
        return;
    int rank = l->logits_type.shape.rank;
    if (rank < 2 || !p->n_outputs || ol_value_type(p->outputs[0])->shape.rank != rank)
        return;
    if (!(l->kind == OL_LOSS_CROSS_ENTROPY || l->kind == OL_LOSS_NLL || l->kind == OL_LOSS_SPARSE_CATEGORICAL ||
          l->kind == OL_LOSS_CATEGORICAL || l->kind == OL_LOSS_CTC || l->kind == OL_LOSS_KL_DIV))
        return;
    int class_axis = l->keras || l->kind == OL_LOSS_CTC ? rank - 1 : 1; /* CTC: (T,N,C) */
    int axis = softmax_axis(p);
    if (axis < 0 || axis == class_axis)
        return;
    char idx[32];
    ol_finding *f = report(a, l, "softmax-axis",
                           "%s '%s' normalizes axis %d (%s) of %s, but %s reads the classes from axis %d",
                           p->op_type, name_text(a, ol_node_display_name(p, idx, sizeof idx)), axis,
                           axis == 0 ? "the batch" : "not the classes", type_text(a, &l->logits_type), kind_name(l),
                           class_axis);
    if (f) {
        f->why = silent_why(a, l, "the probabilities sum to 1 over %s, not over the classes, and the model cannot "
                                  "learn the classes",
                            axis == 0 ? "the samples of the batch" : "the wrong axis");
        f->fix = ol_finding_printf(a->m, "%s", l->keras ? "apply the softmax over the last axis (axis=-1)"
                                                        : "normalize over the classes: F.log_softmax(x, dim=1) (or "
                                                          "F.cross_entropy on the raw scores)");
    }
}

/* Activations: what the loss expects its input to be. */
static void check_activation(analysis *a, loss *l)
{
    size_t before = a->m->n_findings;
    check_softmax_axis(a, l);
    if (a->m->n_findings > before)
        return; /* one finding about the activation */
    activation act = activation_of(l->logits);
    /* "Raw scores" only when a layer is seen making them: a graph input or a
     * value of unknown origin may well hold probabilities already. */
    bool from_layer = head_of(l->logits) != NULL && act == ACT_RAW;
    bool keras_logits = l->keras && l->from_logits;
    bool wants_raw = l->kind == OL_LOSS_CROSS_ENTROPY || l->kind == OL_LOSS_BCE_WITH_LOGITS ||
                     ((l->kind == OL_LOSS_SPARSE_CATEGORICAL || l->kind == OL_LOSS_CATEGORICAL ||
                       l->kind == OL_LOSS_BCE) &&
                      keras_logits);
    bool wants_probabilities = (l->kind == OL_LOSS_BCE && !keras_logits) ||
                               ((l->kind == OL_LOSS_SPARSE_CATEGORICAL || l->kind == OL_LOSS_CATEGORICAL) &&
                                !l->from_logits);
    const char *loss_name = l->node && !l->pattern ? l->node->op_type : kind_name(l);
    ol_finding *f = NULL;
    if (wants_raw && (act == ACT_SOFTMAX || act == ACT_SIGMOID)) {
        f = report(a, l, "probabilities-as-logits",
                   "%s applies its own %s, but its input already comes from a %s: the scores are squashed twice",
                   loss_name, l->kind == OL_LOSS_BCE_WITH_LOGITS ? "sigmoid" : "softmax",
                   act == ACT_SOFTMAX ? "Softmax" : "Sigmoid");
        if (f) {
            const char *what = act == ACT_SOFTMAX ? "softmax" : "sigmoid";
            /* tf.keras looks for the activation it expects (Softmax for the
             * categorical losses, Sigmoid for the binary one), warns, and
             * computes the loss on that activation's input. */
            bool keras_sees = l->keras && (l->kind == OL_LOSS_BCE ? act == ACT_SIGMOID : act == ACT_SOFTMAX);
            if (keras_sees) {
                ol_fw_verdict v = {.message = OL_FW_KERAS_FROM_LOGITS_ACTIVATION};
                ol_fw_arg(&v, "fn", l->kind == OL_LOSS_BCE           ? "binary_crossentropy"
                                    : l->kind == OL_LOSS_CATEGORICAL ? "categorical_crossentropy"
                                                                     : "sparse_categorical_crossentropy");
                ol_fw_arg(&v, "op", act == ACT_SOFTMAX ? "Softmax" : "Sigmoid");
                f->why = ol_fw_why(a->m, &v);
            } else {
                f->why = silent_why(a, l, "double %s: the loss cannot approach 0 even for perfect predictions, and "
                                          "gradients vanish",
                                    what);
            }
            f->fix = ol_finding_printf(a->m, "%s", l->keras ? "pass from_logits=False (the model outputs "
                                                              "probabilities), or drop the final activation"
                                                            : "return the raw scores from forward() and apply "
                                                              "softmax/sigmoid only at inference time");
        }
    } else if (l->pattern && l->kind == OL_LOSS_BCE && act == ACT_SIGMOID) {
        /* BCE on Sigmoid(p): fine unless p itself was already a probability. */
        activation inner = activation_of(activation_input(l->logits));
        if (inner == ACT_SIGMOID || inner == ACT_SOFTMAX) {
            f = report(a, l, "probabilities-as-logits",
                       "binary cross-entropy takes Sigmoid of a value that is already a probability (from a %s)",
                       inner == ACT_SOFTMAX ? "Softmax" : "Sigmoid");
            if (f) {
                f->why = silent_why(a, l, "a sigmoid of values in (0,1) lies in (0.5,0.73): the loss cannot approach "
                                          "0 and gradients vanish");
                f->fix = ol_finding_printf(a->m, "apply the sigmoid once: drop the final activation from forward() and "
                                                 "use BCEWithLogitsLoss");
            }
        }
    } else if (wants_probabilities && act == ACT_RAW && from_layer && !(l->pattern && l->kind != OL_LOSS_BCE)) {
        f = report(a, l, "logits-as-probabilities",
                   "%s expects probabilities in (0,1), but its input comes straight from %s (unbounded scores)",
                   loss_name, head_of(l->logits) ? head_of(l->logits)->op_type : "a layer");
        if (f) {
            f->why = l->keras ? silent_why(a, l, "from_logits defaults to False, so the loss takes the raw scores for "
                                                 "probabilities")
                              : ol_finding_printf(a->m, "PyTorch: RuntimeError: all elements of input should be "
                                                        "between 0 and 1 (in the graph: log of a negative score is "
                                                        "NaN)");
            f->fix = ol_finding_printf(a->m, "%s", l->keras ? "pass from_logits=True"
                                                            : "use F.binary_cross_entropy_with_logits on the raw "
                                                              "scores, or apply torch.sigmoid first");
        }
    } else if (l->kind == OL_LOSS_CTC && act != ACT_LOG_SOFTMAX && (act != ACT_RAW || from_layer)) {
        f = report(a, l, "logits-as-probabilities", "ctc_loss expects log-probabilities (T,N,C), but its input %s",
                   act == ACT_RAW ? "comes straight from a layer (unbounded scores)" : "is not a log_softmax");
        if (f) {
            f->why = silent_why(a, l, "ctc_loss of raw scores can go negative, and training does not learn the "
                                      "alignment");
            f->fix = ol_finding_printf(a->m, "F.ctc_loss(scores.log_softmax(2), targets, input_lengths, "
                                             "target_lengths)");
        }
    } else if (l->kind == OL_LOSS_KL_DIV && l->keras) {
        /* Keras' kl_divergence takes probabilities (a softmax's output is
         * right): raw scores or log-probabilities are clipped to [1e-7, 1]. */
        if (act == ACT_LOG_SOFTMAX || (act == ACT_RAW && from_layer)) {
            f = report(a, l, "logits-as-probabilities", "kl_divergence expects probabilities, but its input %s",
                       act == ACT_RAW ? "comes straight from a layer (unbounded scores)" : "is log-probabilities");
            if (f) {
                f->why = silent_why(a, l, "kl_divergence clips y_pred to [1e-7, 1] and computes sum(y_true * "
                                          "log(y_true / y_pred)): %s are no probabilities, and the loss is not the KL "
                                          "divergence",
                                    act == ACT_RAW ? "raw scores" : "log-probabilities");
                f->fix = ol_finding_printf(a->m, "end the model with a softmax (activation='softmax') before "
                                                 "kl_divergence");
            }
        }
    } else if (l->kind == OL_LOSS_KL_DIV && (act == ACT_SOFTMAX || act == ACT_SIGMOID || (act == ACT_RAW && from_layer))) {
        f = report(a, l, "logits-as-probabilities", "kl_div expects log-probabilities as its input, but its input %s",
                   act == ACT_RAW ? "comes straight from a layer (unbounded scores)"
                                  : "is probabilities (the log is missing)");
        if (f) {
            f->why = silent_why(a, l, "F.kl_div(input, target) computes target * (log(target) - input): with "
                                      "probabilities as input the loss is not the KL divergence");
            f->fix = ol_finding_printf(a->m, "F.kl_div(F.log_softmax(scores, dim=1), target, reduction='batchmean')");
        }
    } else if (l->kind == OL_LOSS_NLL && (act == ACT_SOFTMAX || (act == ACT_RAW && from_layer))) {
        f = report(a, l, "logits-as-probabilities",
                   "%s expects log-probabilities, but its input %s", loss_name,
                   act == ACT_SOFTMAX ? "is Softmax probabilities (the log is missing)"
                                      : "comes straight from a layer (unbounded scores)");
        if (f) {
            f->why = silent_why(a, l, "NLL of %s is unbounded below: the loss goes to -inf instead of learning",
                                act == ACT_SOFTMAX ? "probabilities trains on -p instead of -log p;" : "raw scores");
            f->fix = ol_finding_printf(a->m, "F.nll_loss(F.log_softmax(logits, dim=1), y), or simply "
                                             "F.cross_entropy(logits, y)");
        }
    }
}

static void check_weight(analysis *a, loss *l)
{
    if (!l->weight || l->logits_type.shape.rank < 2)
        return;
    const ol_type *w = ol_value_type(l->weight);
    if (!is_tensor_with_rank(w) || w->shape.rank != 1)
        return;
    ol_dim c = l->logits_type.shape.dims[1];
    if (relate(a, w->shape.dims[0], c) != DIM_DIFFER)
        return;
    ol_fw_verdict v = {.message = l->logits_type.shape.rank > 2 ? OL_FW_PT_WEIGHT_CLASSES_2D : OL_FW_PT_WEIGHT_CLASSES};
    ol_fw_arg(&v, "classes", dim_text(a, c));
    ol_fw_arg(&v, "weight_len", dim_text(a, w->shape.dims[0]));
    ol_fw_arg(&v, "input_type", type_text(a, &l->logits_type));
    ol_finding *f = report(a, l, "class-count", "%s", ol_fw_fill(a->m, ol_fw_messages[v.message].summary, &v));
    if (f) {
        f->why = ol_fw_why(a->m, &v);
        f->fix = ol_fw_fill(a->m, ol_fw_messages[v.message].fix, &v);
    }
}

static void check_ignore_index(analysis *a, loss *l)
{
    if (!l->has_ignore_index || l->ignore_index < 0 || l->logits_type.shape.rank < 2)
        return;
    ol_dim c = ol_dim_resolve(a->exprs, l->logits_type.shape.dims[1]);
    if (c.kind == OL_DIM_VALUE && l->ignore_index >= c.value)
        return;
    ol_finding *f = report(a, l, "ignore-index", "ignore_index=%lld is a real class (the logits %s have classes 0..%s)",
                           (long long)l->ignore_index, type_text(a, &l->logits_type),
                           c.kind == OL_DIM_VALUE ? ol_finding_printf(a->m, "%lld", (long long)c.value - 1)
                                                  : ol_finding_printf(a->m, "%s-1", dim_text(a, c)));
    if (f) {
        f->why = silent_why(a, l, "the targets equal to ignore_index are skipped, so class %lld is never learned",
                            (long long)l->ignore_index);
        f->fix = ol_finding_printf(a->m, "use a value outside [0, C) such as -100 (PyTorch's default), unless class "
                                         "%lld really must never be learned",
                                   (long long)l->ignore_index);
    }
}

static void run_rules(analysis *a, loss *l)
{
    if (!is_tensor_with_rank(&l->logits_type) || !is_tensor_with_rank(&l->labels_type)) {
        ol_finding *f = ol_finding_add(a->m, "unknown-shape", l->node,
                                       "the shapes reaching %s could not be inferred (logits %s, labels %s)",
                                       l->origin, type_text(a, &l->logits_type), type_text(a, &l->labels_type));
        if (f)
            f->fix = ol_finding_printf(a->m, "declare the labels' shape (--labels NAME:DTYPE[DIMS]) or the inputs' "
                                             "shapes in the model");
        check_activation(a, l);
        return;
    }
    if (!l->node && !l->keras) {
        /* A loss declared the PyTorch way: PyTorch's rules, in PyTorch's order. */
        if (!pytorch_declared(a, l)) {
            if (l->kind != OL_LOSS_BCE)
                check_activation(a, l);
            check_ignore_index(a, l);
        }
        return;
    }
    switch (l->kind) {
    case OL_LOSS_CROSS_ENTROPY:
        if (l->node && !l->pattern) { /* ONNX SoftmaxCrossEntropyLoss: indices only */
            check_dtype(a, l, true);
            check_index_labels(a, l);
        } else if (is_float(l->labels_type.elem_type) && l->labels_type.shape.rank == l->logits_type.shape.rank &&
                   l->logits_type.shape.rank >= 2 && known_one(a, l->labels_type.shape.dims[1]) &&
                   !known_one(a, l->logits_type.shape.dims[1])) {
            /* A (N,1) float column: class indices stored as floats, not probabilities. */
            ol_finding *f = report(a, l, "label-rank",
                                   "labels %s are a single column: cross_entropy takes int64 class indices %s or "
                                   "float probabilities of the logits' shape %s",
                                   type_text(a, &l->labels_type), "(N,)", type_text(a, &l->logits_type));
            if (f) {
                f->why = ol_finding_printf(a->m, "PyTorch: RuntimeError: Expected floating point type for target with "
                                                 "class probabilities (or a size mismatch for (N,1) float targets)");
                f->fix = ol_finding_printf(a->m, "pass labels.squeeze(1).long() (class indices), or one-hot encode "
                                                 "them to %s",
                                           type_text(a, &l->logits_type));
            }
        } else if (is_float(l->labels_type.elem_type)) {
            check_same_shape_targets(a, l, false);
        } else {
            check_index_labels(a, l);
        }
        check_weight(a, l);
        check_ignore_index(a, l);
        break;
    case OL_LOSS_NLL:
        check_dtype(a, l, true);
        check_index_labels(a, l);
        check_weight(a, l);
        check_ignore_index(a, l);
        break;
    case OL_LOSS_SPARSE_CATEGORICAL:
        /* Keras also takes (N,1) indices. */
        if (l->labels_type.shape.rank == l->logits_type.shape.rank &&
            known_one(a, l->labels_type.shape.dims[l->labels_type.shape.rank - 1]))
            break;
        check_index_labels(a, l);
        break;
    case OL_LOSS_KL_DIV:
        check_dtype(a, l, false);
        break;
    case OL_LOSS_CATEGORICAL:
    case OL_LOSS_BCE_WITH_LOGITS:
    case OL_LOSS_BCE:
    case OL_LOSS_MSE:
    case OL_LOSS_L1:
        check_dtype(a, l, false);
        check_same_shape_targets(a, l, l->kind != OL_LOSS_CATEGORICAL);
        break;
    default:
        break;
    }
    check_activation(a, l);
}

/* ---- finding the losses ---- */

/* Keeps what confirmation and the report need of a loss. */
static void record_loss(analysis *a, const loss *l, const ol_value *output, size_t first_finding)
{
    onnxlint_model *m = a->m;
    if (m->n_losses == m->losses_cap) {
        size_t cap = m->losses_cap ? m->losses_cap * 2 : 4;
        ol_loss_record *r = ol_arena_calloc(&m->arena, cap, sizeof *r);
        if (!r)
            return;
        if (m->n_losses)
            memcpy(r, m->losses, m->n_losses * sizeof *r);
        m->losses = r;
        m->losses_cap = cap;
    }
    ol_loss_record *r = &m->losses[m->n_losses++];
    memset(r, 0, sizeof *r);
    r->kind = l->kind;
    r->pattern = l->pattern;
    r->declared = l->node == NULL;
    r->keras = l->keras;
    r->from_logits = l->from_logits;
    r->exported_with_logits = l->exported_with_logits;
    r->weight_len = l->weight_len;
    r->pos_weight_len = l->pos_weight_len;
    r->has_ignore_index = l->has_ignore_index;
    r->ignore_index = l->ignore_index;
    r->label_smoothing = l->label_smoothing;
    r->reduction = l->node ? OL_REDUCTION_IN_GRAPH : l->reduction;
    r->node = l->node;
    r->output = output;
    r->logits = l->logits;
    int64_t offset = 0;
    bool exact = false;
    r->labels_input = l->labels ? label_input(l->labels, &offset, &exact) : NULL;
    /* the offset a loss node's labels input is drawn with (confirm.c) */
    r->labels_offset_known = exact && l->node && !l->pattern && l->node->n_inputs > 1 && l->labels == l->node->inputs[1];
    r->labels_offset = offset;
    r->labels_name = l->labels_name;
    r->logits_type = l->logits_type;
    r->labels_type = l->labels_type;
    r->region = ol_arena_calloc(&m->arena, l->n_region + 1, sizeof *r->region);
    if (r->region) {
        memcpy(r->region, l->region, l->n_region * sizeof *r->region);
        r->n_region = l->n_region;
    }
    r->first_finding = first_finding;
    r->n_findings = m->n_findings - first_finding;
}

static void loss_node(analysis *a, const ol_node *n)
{
    loss l = {0};
    l.kind = op_is(n, "NegativeLogLikelihoodLoss") ? OL_LOSS_NLL : OL_LOSS_CROSS_ENTROPY;
    l.origin = n->op_type;
    l.node = n;
    l.region[l.n_region++] = n;
    l.logits = n->n_inputs > 0 ? n->inputs[0] : NULL;
    l.labels = n->n_inputs > 1 ? n->inputs[1] : NULL;
    l.weight = n->n_inputs > 2 ? n->inputs[2] : NULL;
    if (!l.logits || !l.labels)
        return;
    l.logits_type = *ol_value_type(l.logits);
    l.labels_type = *ol_value_type(l.labels);
    int64_t offset;
    bool exact;
    const ol_value *li = label_input(l.labels, &offset, &exact);
    l.labels_name = li ? li->name : l.labels->name;
    const Onnx__AttributeProto *ii = ol_node_attribute(n, "ignore_index");
    if (ii && ii->has_i) {
        l.has_ignore_index = true;
        l.ignore_index = ii->i;
    }
    size_t first = a->m->n_findings;
    run_rules(a, &l);
    producer_rules(a, &l, first);
    record_loss(a, &l, n->n_outputs ? n->outputs[0] : NULL, first);
    if (l.fired) {
        for (size_t i = 0; i < a->m->n_findings; i++) {
            ol_finding *f = &a->m->findings[i];
            char idx[32];
            if ((strcmp(f->rule, "shape-error") == 0 || strcmp(f->rule, "type-error") == 0) && f->node &&
                strcmp(f->node, ol_node_display_name(n, idx, sizeof idx)) == 0)
                f->dropped = true;
        }
    }
}

static bool is_region_op(const ol_node *n)
{
    static const char *ops[] = {"Abs",  "Add",        "Cast",      "Clip",    "Constant", "Div",  "Exp",
                                "Log",  "Max",        "Mean",      "Min",     "Mul",      "Neg",  "Pow",
                                "ReduceMean", "ReduceSum", "Relu", "Reshape", "Softplus", "Sqrt", "Squeeze",
                                "Sub",  "Sum",        "Unsqueeze", "Flatten", "Identity", "Where", "Greater",
                                "Less", "ConstantOfShape", "Shape", "Gather"};
    for (size_t i = 0; n && i < sizeof ops / sizeof *ops; i++) {
        if (op_is(n, ops[i]))
            return true;
    }
    return false;
}

static bool in_region(const loss *l, const ol_node *n)
{
    for (size_t i = 0; i < l->n_region; i++) {
        if (l->region[i] == n)
            return true;
    }
    return false;
}

static bool region_has(const loss *l, const char *op)
{
    for (size_t i = 0; i < l->n_region; i++) {
        if (op_is(l->region[i], op))
            return true;
    }
    return false;
}

/* Grows the region backwards from v; collects label inputs and the
 * prediction boundary. */
typedef struct region_scan {
    const ol_value *labels[4];
    size_t n_labels;
    const ol_value *boundary[4];
    size_t n_boundary;
    bool overflow;
    bool outputs_are_predictions; /* another graph output bounds the region */
} region_scan;

static void add_unique(const ol_value **list, size_t *n, const ol_value *v)
{
    for (size_t i = 0; i < *n; i++) {
        if (list[i] == v)
            return;
    }
    if (*n < 4)
        list[(*n)++] = v;
}

static void grow(loss *l, region_scan *s, const ol_value *v, int depth)
{
    if (!v || depth > OL_MAX_TRACE)
        return;
    const ol_node *p = v->producer;
    if (!p) {
        if ((v->flags & OL_VALUE_INPUT) && !(v->flags & OL_VALUE_INITIALIZER))
            add_unique(s->labels, &s->n_labels, v);
        return;
    }
    if (!is_region_op(p) || (s->outputs_are_predictions && depth > 0 && (v->flags & OL_VALUE_OUTPUT))) {
        add_unique(s->boundary, &s->n_boundary, v);
        return;
    }
    if (in_region(l, p))
        return;
    if (l->n_region >= OL_MAX_LOSS_REGION) {
        s->overflow = true;
        return;
    }
    l->region[l->n_region++] = p;
    for (size_t i = 0; i < p->n_inputs; i++)
        grow(l, s, p->inputs[i], depth + 1);
}

/* True when v depends on `from` within the region. */
static bool derives(const loss *l, const ol_value *v, const ol_value *from, int depth)
{
    if (!v || depth > OL_MAX_TRACE)
        return false;
    if (v == from)
        return true;
    const ol_node *p = v->producer;
    if (!p || !in_region(l, p))
        return false;
    for (size_t i = 0; i < p->n_inputs; i++) {
        if (derives(l, p->inputs[i], from, depth + 1))
            return true;
    }
    return false;
}

/* PyTorch exports BCEWithLogitsLoss as Sigmoid, then
 * -(y*log(s) + (1-y)*log(1-s)) negated before the reduction; a BCE written
 * by hand on a Sigmoid reduces first and negates the mean.  Only the label
 * differs: the rules see the probabilities either way. */
static bool exported_bce_with_logits(const loss *l, const ol_value *pred)
{
    if (l->kind != OL_LOSS_BCE || !pred || !pred->producer || !op_is(pred->producer, "Sigmoid"))
        return false;
    for (size_t i = 0; i < l->n_region; i++) {
        const ol_node *n = l->region[i];
        if (!op_is(n, "Neg") || n->n_outputs < 1 || !n->outputs[0])
            continue;
        const ol_value *v = n->outputs[0];
        for (size_t c = 0; c < v->n_consumers; c++) {
            if ((op_is(v->consumers[c], "ReduceMean") || op_is(v->consumers[c], "ReduceSum")) &&
                in_region(l, v->consumers[c]))
                return true;
        }
    }
    return false;
}

/* A value (a graph output, or a term of a summed loss) computed by an
 * element-wise loss pattern; true when one was found. */
static bool loss_pattern(analysis *a, const ol_value *out)
{
    const ol_node *p = out->producer;
    if (!p || !is_region_op(p))
        return false;
    loss l = {0};
    region_scan s = {0};
    l.pattern = true;
    grow(&l, &s, out, 0);
    if (!s.overflow && s.n_labels == 1 && s.n_boundary > 1) {
        /* The prediction itself ends in element-wise ops (a LoRA adapter's
         * Add): when the model also outputs it, as ONNX Runtime's training
         * artifacts do, that output is where the loss begins. */
        memset(&s, 0, sizeof s);
        l.n_region = 0;
        s.outputs_are_predictions = true;
        grow(&l, &s, out, 0);
    }
    if (s.overflow || s.n_labels != 1 || s.n_boundary != 1)
        return false;
    /* Labels feed only the loss, and the prediction does not come from them
     * (a log-softmax written out of Exp/ReduceSum/Log reads its one input on
     * both sides: it is no loss). */
    for (size_t i = 0; i < s.labels[0]->n_consumers; i++) {
        if (!in_region(&l, s.labels[0]->consumers[i]))
            return false;
    }
    bool has_log = region_has(&l, "Log") || region_has(&l, "Softplus");
    bool has_exp = region_has(&l, "Exp");
    bool has_abs = region_has(&l, "Abs");
    bool reduces = region_has(&l, "ReduceMean") || region_has(&l, "ReduceSum") || region_has(&l, "Mean");
    if (!reduces)
        return false;
    if (has_log && region_has(&l, "Where") && (region_has(&l, "Greater") || region_has(&l, "Less"))) {
        l.kind = OL_LOSS_KL_DIV; /* torch 1.13's kl_div: where(t > 0, t * (log t - input), 0) */
        l.origin = "the kl_div pattern";
    } else if (has_log && has_exp && has_abs) {
        l.kind = OL_LOSS_BCE_WITH_LOGITS; /* max(x,0) - x*z + log(1+exp(-|x|)) */
        l.origin = "the sigmoid cross-entropy formula";
    } else if (has_log) {
        l.kind = OL_LOSS_BCE;
        l.origin = "the binary cross-entropy pattern";
    } else if (has_abs) {
        l.kind = OL_LOSS_L1;
        l.origin = "the L1 loss pattern";
    } else if (region_has(&l, "Pow") || region_has(&l, "Mul")) {
        l.kind = OL_LOSS_MSE;
        l.origin = "the MSE loss pattern";
    } else {
        return false;
    }
    const ol_value *labels = s.labels[0], *pred = s.boundary[0];
    /* The node where prediction and target meet: its inputs are what the
     * element-wise loss really compares. */
    const ol_node *meet = NULL;
    const ol_value *pred_side = pred, *label_side = labels;
    for (size_t i = l.n_region; i-- > 0 && !meet;) {
        const ol_node *n = l.region[i];
        if (n->n_inputs != 2 || !(op_is(n, "Sub") || op_is(n, "Mul") || op_is(n, "Add")))
            continue;
        const ol_value *x = n->inputs[0], *y = n->inputs[1];
        bool x_label = derives(&l, x, labels, 0), y_label = derives(&l, y, labels, 0);
        bool x_pred = derives(&l, x, pred, 0), y_pred = derives(&l, y, pred, 0);
        if (x_label && !x_pred && y_pred && !y_label) {
            meet = n;
            label_side = x;
            pred_side = y;
        } else if (y_label && !y_pred && x_pred && !x_label) {
            meet = n;
            label_side = y;
            pred_side = x;
        }
    }
    if (!meet)
        return false;
    l.node = meet;
    l.logits = pred;
    l.labels = labels;
    l.labels_name = labels->name;
    l.labels_type = *ol_value_type(labels);
    /* Compare the shapes as the combining node sees them, so a squeeze in the
     * loss is taken into account; keep the labels' own element type. */
    l.logits_type = *ol_value_type(pred_side);
    ol_type seen = *ol_value_type(label_side);
    if (seen.kind == OL_TYPE_TENSOR && seen.shape.rank >= 0) {
        int32_t elem = l.labels_type.elem_type;
        l.labels_type = seen;
        l.labels_type.elem_type = elem;
    }
    if (l.logits_type.elem_type == 0)
        l.logits_type.elem_type = ol_value_type(pred)->elem_type;
    l.exported_with_logits = exported_bce_with_logits(&l, pred);
    size_t first = a->m->n_findings;
    run_rules(a, &l);
    producer_rules(a, &l, first);
    record_loss(a, &l, out, first);
    if (l.fired) {
        for (size_t i = 0; i < a->m->n_findings; i++) {
            ol_finding *f = &a->m->findings[i];
            if (strcmp(f->rule, "shape-error") != 0 && strcmp(f->rule, "type-error") != 0)
                continue;
            for (size_t k = 0; f->node && k < l.n_region; k++) {
                char idx[32];
                if (strcmp(f->node, ol_node_display_name(l.region[k], idx, sizeof idx)) == 0)
                    f->dropped = true;
            }
        }
    }
    return true;
}

/* The declared loss of an inference-only model. */
static void declared_loss(analysis *a)
{
    const ol_check_options *o = a->options;
    const ol_graph *g = a->m->graph;
    loss l = {0};
    l.kind = o->loss;
    l.keras = o->loss == OL_LOSS_SPARSE_CATEGORICAL || o->loss == OL_LOSS_CATEGORICAL || o->declared_keras;
    l.from_logits = o->from_logits;
    l.origin = "the declared loss";
    l.weight_len = o->weight_len;
    l.pos_weight_len = o->pos_weight_len;
    l.has_ignore_index = o->has_ignore_index;
    l.ignore_index = o->ignore_index;
    l.label_smoothing = o->label_smoothing;
    l.reduction = o->reduction;
    const ol_value *logits = NULL;
    if (o->logits_name) {
        logits = ol_graph_lookup(g, o->logits_name);
        if (!logits) {
            ol_finding *f = ol_finding_add(a->m, "undefined-value", NULL, "--logits names '%s', which is not a value of "
                                                                         "the model",
                                           name_text(a, o->logits_name));
            (void)f;
            return;
        }
    } else if (g->n_outputs == 1) {
        logits = g->outputs[0];
    } else {
        for (size_t i = 0; i < g->n_outputs && !logits; i++) {
            if (head_of(g->outputs[i]))
                logits = g->outputs[i];
        }
        if (!logits && g->n_outputs)
            logits = g->outputs[0];
    }
    if (!logits)
        return;
    l.logits = logits;
    l.logits_type = *ol_value_type(logits);
    if (o->has_labels) {
        l.labels_name = o->labels_name;
        l.labels_type = o->labels_type;
        /* Declared dims with the same symbols as the model's mean the same sizes. */
    } else {
        l.labels_type.shape.rank = OL_RANK_UNKNOWN;
    }
    size_t first = a->m->n_findings;
    run_rules(a, &l);
    record_loss(a, &l, NULL, first);
}

/* ---- graph rules ---- */

/* How many nodes ahead the walk back prefetches a node's first input. */
#define LIVE_PREFETCH 8

/* Marks live, and pushes on stack (top entries so far; returns the new
 * top), the producers in g of the outer values that sub, or a subgraph
 * nested in it at any depth, reads (a Loop in an If branch may read a
 * value of the main graph). */
static size_t mark_outer_producers(const ol_graph *g, const ol_graph *sub, bool *live, const ol_node **stack,
                                   size_t top)
{
    for (size_t r = 0; r < sub->n_outer_refs; r++) {
        const ol_value *v = sub->outer_refs[r];
        while (v && (v->flags & OL_VALUE_OUTER) && v->outer)
            v = v->outer;
        const ol_node *p = v ? v->producer : NULL;
        if (p && p->graph == g && !live[p->index]) {
            live[p->index] = true;
            stack[top++] = p;
        }
    }
    for (size_t i = 0; i < sub->n_nodes; i++) {
        for (size_t k = 0; k < sub->nodes[i]->n_subgraphs; k++)
            top = mark_outer_producers(g, sub->nodes[i]->subgraphs[k], live, stack, top);
    }
    return top;
}

static void graph_rules(analysis *a)
{
    onnxlint_model *m = a->m;
    const ol_graph *g = m->graph;
    for (size_t i = 0; i < g->n_inputs; i++) {
        const ol_value *v = g->inputs[i];
        if (v->n_consumers == 0 && !(v->flags & (OL_VALUE_OUTPUT | OL_VALUE_INITIALIZER))) {
            bool used_inside = false; /* read by a subgraph only */
            for (size_t k = 0; k < g->n_nodes && !used_inside; k++) {
                for (size_t s = 0; s < g->nodes[k]->n_subgraphs; s++) {
                    if (ol_map_get(&g->nodes[k]->subgraphs[s]->values, v->name))
                        used_inside = true;
                }
            }
            if (!used_inside) {
                ol_finding *f = ol_finding_add(m, "unused-input", NULL, "graph input '%s' %s is never read",
                                               name_text(a, v->name), type_text(a, v->type));
                if (f)
                    f->fix = ol_finding_printf(m, "remove the input, or wire it to the node that should read it");
            }
        }
    }
    /* Dead nodes: no path to a graph output. */
    bool *live = ol_arena_calloc(&m->arena, g->n_nodes + 1, sizeof *live);
    const ol_node **stack = ol_arena_calloc(&m->arena, g->n_nodes + 1, sizeof *stack);
    if (!live || !stack)
        return;
    /* Without cycles, one walk back over the dependency order marks every
     * live node's producers before it reaches them: the nodes are read in
     * sequence, where a search from the outputs would chase one pointer
     * after another through the graph (on a 50,000-node chain, a cache
     * miss a node).  Producers found through subgraphs' outer references,
     * and every producer in a graph with a cycle, go on the stack for the
     * search after it. */
    bool in_order = g->order && g->n_cyclic == 0;
    size_t top = 0;
    for (size_t i = 0; i < g->n_outputs; i++) {
        const ol_node *p = g->outputs[i]->producer;
        if (p && p->graph == g && !live[p->index]) {
            live[p->index] = true;
            if (!in_order)
                stack[top++] = p;
        }
    }
    for (size_t i = in_order ? g->n_nodes : 0; i-- > 0;) {
        const ol_node *n = g->order[i];
        if (i >= LIVE_PREFETCH) { /* the value a node a few back reads: a cache miss otherwise */
            const ol_node *ahead = g->order[i - LIVE_PREFETCH];
            if (ahead->n_inputs && ahead->inputs[0])
                __builtin_prefetch(ahead->inputs[0]);
        }
        if (!live[n->index])
            continue;
        for (size_t k = 0; k < n->n_inputs; k++) {
            const ol_node *p = n->inputs[k] ? n->inputs[k]->producer : NULL;
            if (p && p->graph == g)
                live[p->index] = true;
        }
        for (size_t k = 0; k < n->n_subgraphs; k++)
            top = mark_outer_producers(g, n->subgraphs[k], live, stack, top);
    }
    while (top) {
        const ol_node *n = stack[--top];
        for (size_t k = 0; k < n->n_inputs; k++) {
            const ol_node *p = n->inputs[k] ? n->inputs[k]->producer : NULL;
            if (p && p->graph == g && !live[p->index]) {
                live[p->index] = true;
                stack[top++] = p;
            }
        }
        for (size_t k = 0; k < n->n_subgraphs; k++)
            top = mark_outer_producers(g, n->subgraphs[k], live, stack, top);
    }
    ol_arena_release_last(&m->arena, stack, (g->n_nodes + 1) * sizeof *stack); /* 8 bytes a node */
    for (size_t i = 0; i < g->n_nodes; i++) {
        if (!live[i] && !op_is(g->nodes[i], "Constant"))
            ol_finding_add(m, "dead-node", g->nodes[i], "no output of this %s reaches a graph output",
                           g->nodes[i]->op_type);
    }
}

/* PyTorch's words for a shape error at a layer of the main graph (nn.Linear's
 * mat1/mat2, nn.Conv's channels), from the inferred input types; NULL when
 * the node is no such layer. */
static const char *layer_why(analysis *a, const char *node_name)
{
    const ol_graph *g = a->m->graph;
    for (size_t i = 0; i < g->n_nodes; i++) {
        const ol_node *n = g->nodes[i];
        char idx[32];
        if (!(op_is(n, "Gemm") || op_is(n, "MatMul") || op_is(n, "Conv")) || n->n_inputs < 2 || !n->inputs[0] ||
            !n->inputs[1] || strcmp(ol_node_display_name(n, idx, sizeof idx), node_name) != 0)
            continue;
        ol_type x = *ol_value_type(n->inputs[0]), w = *ol_value_type(n->inputs[1]);
        ol_dim dx[OL_MAX_RANK], dw[OL_MAX_RANK];
        for (int k = 0; k < x.shape.rank && k < OL_MAX_RANK; k++)
            dx[k] = ol_dim_resolve(a->exprs, x.shape.dims[k]);
        for (int k = 0; k < w.shape.rank && k < OL_MAX_RANK; k++)
            dw[k] = ol_dim_resolve(a->exprs, w.shape.dims[k]);
        if (x.shape.rank < 0 || w.shape.rank < 0 || x.shape.rank > OL_MAX_RANK || w.shape.rank > OL_MAX_RANK)
            return NULL;
        x.shape.dims = dx;
        w.shape.dims = dw;
        return ol_fw_layer_why(a->m, n, &x, &w, NULL);
    }
    return NULL;
}

static void diagnostics_to_findings(analysis *a)
{
    onnxlint_model *m = a->m;
    for (size_t i = 0; i < m->n_diagnostic_list; i++) {
        const ol_diagnostic *d = &m->diagnostic_list[i];
        ol_finding *f = ol_finding_add(m, d->code, NULL, "%s", d->message);
        if (!f)
            return;
        f->severity = d->severity;
        f->node = d->node;
        if (strcmp(d->code, "shape-error") == 0 && d->node)
            f->why = layer_why(a, d->node);
    }
}

/* A multi-task loss: a sum of terms (ce + l1 + ...) none of which makes a
 * pattern on its own when grown from the total.  Each term is looked for
 * separately. */
static void loss_terms(analysis *a, const ol_value *v, uint8_t *seen, int depth)
{
    const ol_node *p = v ? v->producer : NULL;
    if (!p || depth > OL_MAX_TRACE || !(op_is(p, "Add") || op_is(p, "Sum") || op_is(p, "Mul")))
        return;
    /* Each node once: a sum that reads one term twice, or a cycle, would
     * otherwise branch exponentially. */
    if (seen && p->graph == a->m->graph && p->index < a->m->graph->n_nodes) {
        if (seen[p->index])
            return;
        seen[p->index] = 1;
    }
    for (size_t i = 0; i < p->n_inputs; i++) {
        const ol_value *term = p->inputs[i];
        if (!term || !term->producer || (term->flags & OL_VALUE_INITIALIZER))
            continue;
        if (!loss_pattern(a, term))
            loss_terms(a, term, seen, depth + 1);
    }
}

onnxlint_status ol_analyze(onnxlint_model *m, const ol_check_options *options)
{
    ol_check_options none = {0};
    analysis a = {.m = m, .exprs = &m->exprs, .options = options ? options : &none};
    m->n_findings = 0;
    m->n_losses = 0;
    diagnostics_to_findings(&a);
    const ol_graph *g = m->graph;
    size_t losses_before = m->n_findings;
    bool found = false;
    for (size_t i = 0; i < g->n_nodes; i++) {
        if (op_is(g->nodes[i], "SoftmaxCrossEntropyLoss") || op_is(g->nodes[i], "NegativeLogLikelihoodLoss")) {
            loss_node(&a, g->nodes[i]);
            found = true;
        }
    }
    uint8_t *seen = ol_arena_calloc(&m->arena, g->n_nodes + 1, 1); /* NULL: unmarked, depth still bounds it */
    for (size_t i = 0; i < g->n_outputs; i++) {
        if (!loss_pattern(&a, g->outputs[i]))
            loss_terms(&a, g->outputs[i], seen, 0);
    }
    (void)losses_before;
    (void)found;
    if (a.options->loss != OL_LOSS_NONE)
        declared_loss(&a);
    graph_rules(&a);
    ol_training_rules(m);
    m->analyzed = true;
    return m->arena.failed ? ONNXLINT_ENOMEM : ONNXLINT_OK;
}

/* ---- options ---- */

static const struct {
    const char *name;
    ol_loss_kind kind;
    bool keras;
} loss_names[] = {
    {"cross_entropy", OL_LOSS_CROSS_ENTROPY, false},
    {"nll", OL_LOSS_NLL, false},
    {"nll_loss", OL_LOSS_NLL, false},
    {"bce_with_logits", OL_LOSS_BCE_WITH_LOGITS, false},
    {"bce", OL_LOSS_BCE, false},
    {"mse", OL_LOSS_MSE, false},
    {"l1", OL_LOSS_L1, false},
    {"sparse_categorical_crossentropy", OL_LOSS_SPARSE_CATEGORICAL, true},
    {"categorical_crossentropy", OL_LOSS_CATEGORICAL, true},
    {"binary_crossentropy", OL_LOSS_BCE, true},
    {"mean_squared_error", OL_LOSS_MSE, true},
    {"mean_absolute_error", OL_LOSS_L1, true},
    {"smooth_l1", OL_LOSS_SMOOTH_L1, false},
    {"huber", OL_LOSS_HUBER, false},
    {"kl_div", OL_LOSS_KL_DIV, false},
    {"ctc", OL_LOSS_CTC, false},
    {"lm_cross_entropy", OL_LOSS_CROSS_ENTROPY, false},
    {"huber_loss", OL_LOSS_HUBER, true},
    {"kl_divergence", OL_LOSS_KL_DIV, true},
};

bool ol_loss_kind_parse(const char *name, ol_loss_kind *kind, bool *keras)
{
    for (size_t i = 0; i < sizeof loss_names / sizeof *loss_names; i++) {
        if (strcmp(loss_names[i].name, name) == 0) {
            *kind = loss_names[i].kind;
            *keras = loss_names[i].keras;
            return true;
        }
    }
    return false;
}

const char *ol_loss_kind_suggest(const char *name)
{
    const char *names[sizeof loss_names / sizeof *loss_names];
    for (size_t i = 0; i < sizeof loss_names / sizeof *loss_names; i++)
        names[i] = loss_names[i].name;
    return ol_suggest(name, names, sizeof names / sizeof *names);
}

const char *ol_loss_record_kind(const ol_loss_record *r)
{
    static const char *names[] = {"?", "cross_entropy", "nll", "bce_with_logits", "bce", "mse", "l1",
                                  "sparse_categorical_crossentropy", "categorical_crossentropy", "smooth_l1",
                                  "huber", "kl_div", "ctc"};
    if (r->exported_with_logits)
        return "bce_with_logits";
    return (size_t)r->kind < sizeof names / sizeof *names ? names[r->kind] : "?";
}

const char *ol_loss_kind_error(const char *name, char *buf, size_t cap)
{
    const char *near = ol_loss_kind_suggest(name);
    snprintf(buf, cap,
             "unknown loss '%.100s'%s%s%s (cross_entropy, nll, bce_with_logits, bce, mse, l1, smooth_l1, huber, "
             "kl_div, ctc, sparse_categorical_crossentropy, categorical_crossentropy, binary_crossentropy)",
             name, near ? ": did you mean " : "", near ? near : "", near ? "?" : "");
    return buf;
}

/* reduction=NAME of a declared loss: PyTorch's names (batchmean for kl_div
 * only), Keras' for a Keras loss; otherwise false with the framework's
 * words in why. */
static bool parse_reduction(const char *value, ol_check_options *o, bool keras, char *why, size_t why_len)
{
    static const struct {
        const char *name;
        ol_reduction reduction;
        bool keras;
    } names[] = {
        {"mean", OL_REDUCTION_MEAN, false},  {"sum", OL_REDUCTION_SUM, false},
        {"none", OL_REDUCTION_NONE, false},  {"batchmean", OL_REDUCTION_BATCHMEAN, false},
        {"sum", OL_REDUCTION_SUM, true},     {"none", OL_REDUCTION_NONE, true},
        {"sum_over_batch_size", OL_REDUCTION_DEFAULT, true}, {"auto", OL_REDUCTION_DEFAULT, true},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (names[i].keras != keras || strcmp(names[i].name, value) != 0)
            continue;
        if (names[i].reduction == OL_REDUCTION_BATCHMEAN && o->loss != OL_LOSS_KL_DIV)
            break;
        o->reduction = names[i].reduction;
        return true;
    }
    if (keras) /* tf.keras 2.10.0-2.15.0 keras/utils/losses_utils.py ReductionV2.validate */
        snprintf(why, why_len, "--loss: Keras: ValueError: Invalid Reduction Key: %s. Expected keys are "
                 "\"('auto', 'none', 'sum', 'sum_over_batch_size')\"", value);
    else
        snprintf(why, why_len, "--loss: PyTorch: ValueError: %s is not a valid value for reduction (mean, sum, "
                 "none%s)", value, o->loss == OL_LOSS_KL_DIV ? ", batchmean" : "");
    return false;
}

bool ol_loss_parse(const char *spec, ol_check_options *o, char *why, size_t why_len)
{
    char name[64];
    size_t len = strcspn(spec, "(");
    bool keras = false;
    if (len >= sizeof name) {
        snprintf(why, why_len, "unknown loss '%.60s...'", spec);
        return false;
    }
    memcpy(name, spec, len);
    name[len] = '\0';
    if (!ol_loss_kind_parse(name, &o->loss, &keras)) {
        ol_loss_kind_error(name, why, why_len);
        return false;
    }
    o->declared_keras = keras;
    const char *p = spec + len;
    if (!*p)
        return true;
    const char *end = strchr(p, ')');
    if (!end || end[1]) {
        snprintf(why, why_len, "--loss takes KIND or KIND(name=value,...), e.g. cross_entropy(ignore_index=-100)");
        return false;
    }
    for (p++; p < end;) {
        const char *q = p;
        while (q < end && *q != ',')
            q++;
        const char *eq = memchr(p, '=', (size_t)(q - p));
        char value[64];
        size_t vl = eq ? (size_t)(q - eq - 1) : 0;
        if (!eq || vl == 0 || vl >= sizeof value) {
            snprintf(why, why_len, "--loss: argument '%.*s' is not name=value", (int)(q - p), p);
            return false;
        }
        memcpy(value, eq + 1, vl);
        value[vl] = '\0';
        char *num_end;
        size_t nl = (size_t)(eq - p);
        if (nl == 9 && strncmp(p, "reduction", nl) == 0) {
            if (!parse_reduction(value, o, keras, why, why_len))
                return false;
            p = q < end ? q + 1 : q;
            continue;
        }
        double v = strtod(value, &num_end);
        if (*num_end) {
            snprintf(why, why_len, "--loss: '%.*s' takes a number, not '%s'", (int)nl, p, value);
            return false;
        }
        if (nl == 6 && strncmp(p, "weight", nl) == 0 && v >= 1)
            o->weight_len = (int64_t)v;
        else if (nl == 10 && strncmp(p, "pos_weight", nl) == 0 && v >= 1)
            o->pos_weight_len = (int64_t)v;
        else if (nl == 12 && strncmp(p, "ignore_index", nl) == 0) {
            o->has_ignore_index = true;
            o->ignore_index = (int64_t)v;
        } else if (nl == 15 && strncmp(p, "label_smoothing", nl) == 0 && v >= 0 && v <= 1)
            o->label_smoothing = v;
        else {
            snprintf(why, why_len, "--loss: unknown or out-of-range argument '%.*s' (weight=C, pos_weight=P, "
                     "ignore_index=I, label_smoothing=E, reduction=R)", (int)(q - p), p);
            return false;
        }
        p = q < end ? q + 1 : q;
    }
    return true;
}

/* A declared dim: an integer, a name, or a sum of products of integers and
 * names ("N*T-N", "2*N+1"); unknown when it does not parse. */
static ol_dim parse_dim_expr(onnxlint_model *m, const char *s)
{
    ol_dim total = ol_dim_value(0);
    int sign = 1;
    const char *p = s;
    if (*p == '-' || *p == '+')
        sign = *p++ == '-' ? -1 : 1;
    while (*p) {
        ol_dim term = ol_dim_value(sign);
        for (;;) {
            char name[64];
            size_t n = 0;
            if (*p >= '0' && *p <= '9') {
                char *end;
                long long v = strtoll(p, &end, 10);
                term = ol_dim_mul(&m->exprs, term, ol_dim_value(v));
                p = end;
            } else if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '_') {
                while (((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                        *p == '_') &&
                       n < sizeof name - 1)
                    name[n++] = *p++;
                name[n] = '\0';
                term = ol_dim_mul(&m->exprs, term, ol_dim_named(&m->exprs, name));
            } else {
                return ol_dim_unknown();
            }
            if (*p != '*')
                break;
            p++;
        }
        total = ol_dim_add(&m->exprs, total, term);
        if (!*p)
            break;
        if (*p != '+' && *p != '-')
            return ol_dim_unknown();
        sign = *p++ == '-' ? -1 : 1;
    }
    return total;
}

bool ol_labels_parse(onnxlint_model *m, const char *spec, ol_check_options *o, char *why, size_t why_len)
{
    const char *colon = strrchr(spec, ':');
    const char *bracket = colon ? strchr(colon, '[') : NULL;
    if (!colon || colon == spec) {
        snprintf(why, why_len, "--labels takes NAME:DTYPE[DIMS], e.g. labels:int64[N] or target:float[N,4]");
        return false;
    }
    o->labels_name = ol_arena_strndup(&m->arena, spec, (size_t)(colon - spec));
    size_t dtype_len = bracket ? (size_t)(bracket - colon - 1) : strlen(colon + 1);
    int32_t elem = 0;
    for (int32_t t = 1; t <= OL_ELEM_MAX; t++) {
        const char *n = ol_elem_type_name(t);
        if (n && strlen(n) == dtype_len && strncmp(n, colon + 1, dtype_len) == 0)
            elem = t;
    }
    if (!elem && dtype_len == 5 && strncmp(colon + 1, "int64", 5) == 0)
        elem = 7;
    if (!elem) {
        snprintf(why, why_len, "--labels: unknown element type '%.*s' (float, int64, int32, bool...)", (int)dtype_len,
                 colon + 1);
        return false;
    }
    memset(&o->labels_type, 0, sizeof o->labels_type);
    o->labels_type.kind = OL_TYPE_TENSOR;
    o->labels_type.elem_type = elem;
    o->labels_type.shape.rank = OL_RANK_UNKNOWN;
    if (bracket) {
        const char *end = strchr(bracket, ']');
        if (!end || end[1]) {
            snprintf(why, why_len, "--labels: the dims must be in brackets at the end: %s", spec);
            return false;
        }
        ol_dim *dims = ol_arena_calloc(&m->arena, OL_MAX_RANK, sizeof *dims);
        int rank = 0;
        const char *p = bracket + 1;
        while (p < end && dims) {
            const char *q = p;
            while (q < end && *q != ',')
                q++;
            while (p < q && *p == ' ')
                p++;
            size_t len = (size_t)(q - p);
            while (len && p[len - 1] == ' ')
                len--;
            if (rank >= OL_MAX_RANK) {
                snprintf(why, why_len, "--labels: rank above %d", OL_MAX_RANK);
                return false;
            }
            if (len == 0 && q == end && rank == 0)
                break; /* "[]": a scalar */
            char tok[128];
            if (len == 0 || len >= sizeof tok) {
                snprintf(why, why_len, "--labels: empty or overlong dim in %s", spec);
                return false;
            }
            memcpy(tok, p, len);
            tok[len] = '\0';
            char *num_end;
            long long v = strtoll(tok, &num_end, 10);
            if (*num_end == '\0' && v >= 0)
                dims[rank++] = ol_dim_value(v);
            else if (strcmp(tok, "?") == 0)
                dims[rank++] = ol_dim_unknown();
            else if (strpbrk(tok, "+-*") && parse_dim_expr(m, tok).kind != OL_DIM_UNKNOWN)
                dims[rank++] = parse_dim_expr(m, tok); /* "N*T-N" */
            else
                dims[rank++] = ol_dim_named(&m->exprs, tok);
            p = q < end ? q + 1 : q;
        }
        o->labels_type.shape.rank = rank;
        o->labels_type.shape.dims = dims;
    }
    o->has_labels = true;
    return true;
}
