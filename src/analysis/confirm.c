/*
 * confirm.c - run the model on seeded sample data and attach the evidence
 * to each loss finding.
 *
 * Sample data: every graph input gets a value of its declared type with
 * symbolic dims bound (--dim NAME=VALUE, else OL_DEFAULT_SAMPLE_DIM):
 * class indices in [0, C) for the labels of a class-index loss, 0/1 floats
 * for BCE targets, standard normal floats elsewhere, small integers for
 * other integer inputs (token ids stay inside any embedding).  The
 * generator is xorshift64* seeded by --seed: the same seed, the same data.
 *
 * Evidence, by what happens:
 *   - the run fails at a node of the loss (or feeding it): that failure,
 *     in the evaluator's words ("Mul '/Mul_1' fails: cannot broadcast
 *     (4,5) with (4,4)"), confirms every error finding of that loss;
 *   - the run succeeds: the loss value, and per rule what it shows (NaN
 *     from the log of raw scores, a negative NLL, the floor a double
 *     softmax cannot go below, the (N,N) matrix of a silent broadcast).
 * Declared losses (inference-only exports) are computed here from the
 * model's logits and sample labels of the declared type.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/findings.h"
#include "analysis/frameworks.h"
#include "eval/eval.h"
#include "eval/testdata.h"

/* Most bytes the values of one confirmation run may hold, and most
 * multiply-adds its MatMul, Gemm and Conv nodes may do, estimated from the
 * inferred shapes under the sample dims before anything runs: a run over
 * either is skipped with a note instead of taking minutes or all memory.
 * (The evaluator's own budget still stops a run whose shapes inference
 * could not tell.) */
#define OL_MAX_CONFIRM_BYTES ((uint64_t)2 << 30)
#define OL_MAX_CONFIRM_WORK ((uint64_t)1 << 36)
/* Drawing the sample inputs is priced in time: a confirmation whose draws
 * would take longer than OL_MAX_CONFIRM_DRAW_SECONDS at these rates (float32
 * normals and parameters are drawn in parallel; other types one by one through the
 * element setters; measured on a 2-core machine) is skipped with a note.
 * BERT-base's eval graph, whose 110 M parameters are graph inputs, takes
 * about 2.5 s to draw. */
#define OL_CONFIRM_FLOAT_DRAWS_PER_SECOND 40e6
#define OL_CONFIRM_OTHER_DRAWS_PER_SECOND 15e6
#define OL_MAX_CONFIRM_DRAW_SECONDS 5.0

typedef struct sampler {
    uint64_t state;
} sampler;

static uint64_t next_u64(sampler *s)
{
    uint64_t x = s->state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    s->state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static double uniform(sampler *s)
{
    return (double)(next_u64(s) >> 11) * (1.0 / 9007199254740992.0);
}

static double normal(sampler *s)
{
    double u = uniform(s), v = uniform(s);
    if (u < 1e-300)
        u = 1e-300;
    return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* The concrete size of a dim: a value, a bound symbol, or the default. */
/* The value --dim NAME=VALUE gives the symbol name: true and *out set. */
static bool dim_binding(const char *name, const char *const *dims, size_t n_dims, int64_t *out)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < n_dims; i++) {
        const char *eq = strchr(dims[i], '=');
        if (eq && (size_t)(eq - dims[i]) == len && strncmp(dims[i], name, len) == 0) {
            *out = strtoll(eq + 1, NULL, 10);
            return true;
        }
    }
    return false;
}

/* The sample dims, for ol_dim_eval: --dim NAME=VALUE, else the default. */
typedef struct dim_env {
    const char *const *dims;
    size_t n_dims;
} dim_env;

static bool symbol_value(void *ctx, const char *name, int64_t *out)
{
    const dim_env *env = ctx;
    if (!dim_binding(name, env->dims, env->n_dims, out))
        *out = OL_DEFAULT_SAMPLE_DIM;
    return true;
}

/* The concrete size of a dim under the sample bindings: a value, a bound
 * symbol, an expression of them (N+1, N*T-N), or the default. */
static int64_t bind_dim(onnxlint_model *m, ol_dim d, const char *const *dims, size_t n_dims)
{
    d = ol_dim_resolve(&m->exprs, d);
    int64_t v;
    if (d.kind == OL_DIM_VALUE)
        return d.value;
    if (d.kind == OL_DIM_SYMBOL && dim_binding(d.symbol, dims, n_dims, &v))
        return v;
    dim_env env = {dims, n_dims};
    if (d.kind == OL_DIM_SYMBOL && ol_dim_eval(&m->exprs, d, symbol_value, &env, &v) && v >= 0)
        return v;
    return OL_DEFAULT_SAMPLE_DIM;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
    return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Elements of v under the sample dims, or false when inference left its
 * shape open. */
static bool sample_count(onnxlint_model *m, const ol_value *v, dim_env *env, uint64_t *count)
{
    const ol_type *t = v ? ol_value_type(v) : NULL;
    if (!t || t->kind != OL_TYPE_TENSOR || t->shape.rank < 0)
        return false;
    uint64_t c = 1;
    for (int k = 0; k < t->shape.rank; k++) {
        int64_t d;
        if (!ol_dim_eval(&m->exprs, t->shape.dims[k], symbol_value, env, &d) || d < 0)
            return false;
        c = sat_mul(c, (uint64_t)d);
    }
    *count = c;
    return true;
}

/* Dim k of v's shape under the sample dims (negative k from the end), or
 * 0 when not known. */
static uint64_t sample_dim(onnxlint_model *m, const ol_value *v, int k, dim_env *env)
{
    const ol_type *t = v ? ol_value_type(v) : NULL;
    if (!t || t->kind != OL_TYPE_TENSOR || t->shape.rank <= 0)
        return 0;
    if (k < 0)
        k += t->shape.rank;
    int64_t d;
    if (k < 0 || k >= t->shape.rank || !ol_dim_eval(&m->exprs, t->shape.dims[k], symbol_value, env, &d) || d < 0)
        return 0;
    return (uint64_t)d;
}

/* Multiply-adds per output element of the nodes whose cost is not their
 * size: the contracted dim of a product, a convolution's window. */
static uint64_t work_per_element(onnxlint_model *m, const ol_node *node, dim_env *env)
{
    const char *op = node->op_type;
    if (node->domain[0] || node->n_inputs < 2)
        return 1;
    if (!strcmp(op, "MatMul") || !strcmp(op, "MatMulInteger") || !strcmp(op, "QLinearMatMul"))
        return sample_dim(m, node->inputs[0], -1, env);
    if (!strcmp(op, "Gemm"))
        return sample_dim(m, node->inputs[0], ol_node_attribute_int(node, "transA", 0) ? 0 : 1, env);
    bool conv = !strcmp(op, "Conv") || !strcmp(op, "ConvInteger");
    bool qconv = !strcmp(op, "QLinearConv"), transposed = !strcmp(op, "ConvTranspose");
    if (conv || qconv || transposed) {
        const ol_value *w = node->n_inputs > (qconv ? 3u : 1u) ? node->inputs[qconv ? 3 : 1] : NULL;
        uint64_t elems, per_out = sample_dim(m, w, transposed ? 1 : 0, env);
        return sample_count(m, w, env, &elems) && per_out ? elems / per_out : 1;
    }
    return 1;
}

/* The cost of running the main graph on the sample data, from the inferred
 * shapes: bytes of the weights it reads and the values it makes, and
 * multiply-adds.  Values whose shape is open count nothing (the
 * evaluator's budget covers them). */
typedef struct run_cost {
    uint64_t bytes, work;
    double draw_seconds; /* drawing the sample inputs */
    const ol_value *slowest_draw;
    const ol_value *largest;
    uint64_t largest_bytes;
    const ol_node *heaviest;
    uint64_t heaviest_work;
} run_cost;

/* Adds v's bytes to the cost; returns its element count (0 when its shape
 * is open). */
static uint64_t add_value(onnxlint_model *m, dim_env *env, run_cost *c, const ol_value *v)
{
    uint64_t count;
    if (!sample_count(m, v, env, &count))
        return 0;
    unsigned bits = ol_elem_type_bits(ol_value_type(v)->elem_type);
    uint64_t bytes = sat_mul(count, bits ? (bits + 7) / 8 : 16);
    c->bytes = sat_add(c->bytes, bytes);
    if (bytes > c->largest_bytes) {
        c->largest_bytes = bytes;
        c->largest = v;
    }
    return count;
}

/* The file given for graph input name, or NULL. */
static const char *user_file(const char *name, const char *const *inputs, size_t n_inputs);

static void estimate_cost(onnxlint_model *m, dim_env *env, const char *const *user_inputs, size_t n_user_inputs,
                          run_cost *c)
{
    memset(c, 0, sizeof *c);
    const ol_graph *g = m->graph;
    double slowest = 0;
    for (size_t i = 0; i < g->n_inputs; i++) { /* the sample data, drawn before the run */
        const ol_value *v = g->inputs[i];
        if ((v->flags & OL_VALUE_INITIALIZER) || user_file(v->name, user_inputs, n_user_inputs))
            continue;
        uint64_t count = add_value(m, env, c, v);
        double rate = ol_value_type(v)->elem_type == 1 ? OL_CONFIRM_FLOAT_DRAWS_PER_SECOND
                                                        : OL_CONFIRM_OTHER_DRAWS_PER_SECOND;
        double seconds = (double)count / rate;
        c->draw_seconds += seconds;
        if (seconds > slowest) {
            slowest = seconds;
            c->slowest_draw = v;
        }
    }
    for (size_t i = 0; i < g->n_initializers; i++) { /* read in full when the run starts */
        if (!(g->initializers[i]->flags & OL_VALUE_INPUT))
            add_value(m, env, c, g->initializers[i]);
    }
    size_t n = g->order ? g->n_nodes - g->n_cyclic : 0;
    for (size_t i = 0; i < n; i++) {
        const ol_node *node = g->order[i];
        uint64_t out_elements = 0;
        for (size_t o = 0; o < node->n_outputs; o++)
            out_elements = sat_add(out_elements, add_value(m, env, c, node->outputs[o]));
        uint64_t work = sat_mul(out_elements, work_per_element(m, node, env));
        c->work = sat_add(c->work, work);
        if (work > c->heaviest_work) {
            c->heaviest_work = work;
            c->heaviest = node;
        }
    }
}

/* What a loss wants its labels to hold. */
typedef enum label_kind { LABEL_NONE, LABEL_INDICES, LABEL_BINARY, LABEL_REAL } label_kind;

static label_kind label_kind_of(const ol_loss_record *r)
{
    switch (r->kind) {
    case OL_LOSS_CROSS_ENTROPY:
    case OL_LOSS_NLL:
    case OL_LOSS_SPARSE_CATEGORICAL:
        return ol_elem_is_floating(r->labels_type.elem_type) ? LABEL_BINARY : LABEL_INDICES;
    case OL_LOSS_CTC:
        return LABEL_INDICES;
    case OL_LOSS_BCE:
    case OL_LOSS_BCE_WITH_LOGITS:
    case OL_LOSS_CATEGORICAL:
    case OL_LOSS_KL_DIV:
        return LABEL_BINARY;
    default:
        return LABEL_REAL;
    }
}

/* ---- drawing many normals at once ---- */

/* A step of xorshift64* (before its output multiplication) is linear over
 * GF(2): a 64x64 bit matrix, kept as the images of the 64 unit vectors.
 * Its n-th power moves a sampler n draws ahead, so the draws of one large
 * array can be split between threads and still be the values one thread
 * would have drawn. */
typedef struct bit_matrix {
    uint64_t column[64];
} bit_matrix;

static uint64_t bit_apply(const bit_matrix *m, uint64_t x)
{
    uint64_t r = 0;
    for (int j = 0; x; j++, x >>= 1) {
        if (x & 1)
            r ^= m->column[j];
    }
    return r;
}

/* The state n draws after state. */
static uint64_t jump_ahead(uint64_t state, uint64_t n)
{
    bit_matrix p, q;
    for (int j = 0; j < 64; j++) {
        uint64_t x = (uint64_t)1 << j;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        p.column[j] = x;
    }
    while (n) {
        if (n & 1)
            state = bit_apply(&p, state);
        n >>= 1;
        if (n) {
            for (int j = 0; j < 64; j++)
                q.column[j] = bit_apply(&p, p.column[j]);
            p = q;
        }
    }
    return state;
}

/* Arrays at least this large are drawn by several threads. */
#define PARALLEL_DRAW_MIN ((size_t)1 << 20)
/* Most threads that draw one array. */
#define MAX_DRAW_THREADS 8

/* What each float of an array is drawn as: a standard normal (two draws
 * of the sampler), or uniform in [-bound, bound) (one draw). */
typedef enum draw_kind { DRAW_NORMAL, DRAW_UNIFORM } draw_kind;

typedef struct draw_part {
    float *f;
    size_t begin, end;
    uint64_t state; /* the sampler's state at f[begin]; at f[end] once drawn */
    draw_kind kind;
    double bound;
} draw_part;

static void *draw_floats(void *arg)
{
    draw_part *d = arg;
    sampler s = {d->state};
    if (d->kind == DRAW_NORMAL) {
        for (size_t i = d->begin; i < d->end; i++)
            d->f[i] = (float)normal(&s);
    } else {
        for (size_t i = d->begin; i < d->end; i++)
            d->f[i] = (float)((2 * uniform(&s) - 1) * d->bound);
    }
    d->state = s.state; /* where the part ends */
    return NULL;
}

/* Fills f[0..n) as n draws of the kind one after the other would (n calls
 * of normal(s), or of (2 * uniform(s) - 1) * bound), and leaves s where
 * they would; large arrays are split between threads. */
static void fill_floats(float *f, size_t n, sampler *s, draw_kind kind, double bound)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t parts = n < PARALLEL_DRAW_MIN || cpus < 2 ? 1 : cpus > MAX_DRAW_THREADS ? MAX_DRAW_THREADS : (size_t)cpus;
    uint64_t per_element = kind == DRAW_NORMAL ? 2 : 1;
    draw_part part[MAX_DRAW_THREADS];
    pthread_t thread[MAX_DRAW_THREADS];
    bool started[MAX_DRAW_THREADS] = {false};
    for (size_t t = 0; t < parts; t++) {
        part[t] = (draw_part){f, n / parts * t, t + 1 == parts ? n : n / parts * (t + 1), 0, kind, bound};
        part[t].state = t ? jump_ahead(s->state, per_element * (uint64_t)part[t].begin) : s->state;
        started[t] = t && pthread_create(&thread[t], NULL, draw_floats, &part[t]) == 0;
    }
    for (size_t t = 0; t < parts; t++) {
        if (!started[t])
            draw_floats(&part[t]);
    }
    for (size_t t = 1; t < parts; t++) {
        if (started[t])
            pthread_join(thread[t], NULL);
    }
    s->state = part[parts - 1].state; /* the last part ends where n draws end */
}

/* Fills a with sample values of the given kind (class indices from low). */
static void fill(ol_array *a, label_kind kind, int64_t classes, int64_t low, sampler *s)
{
    if (a->elem_type == 1 && (kind == LABEL_REAL || kind == LABEL_NONE)) {
        /* float32 normals, the bulk of a large model's sample data (its
         * parameters when they are graph inputs): the same values as the
         * loop below, drawn in parallel. */
        fill_floats(a->data, a->count, s, DRAW_NORMAL, 0);
        return;
    }
    for (size_t i = 0; i < a->count; i++) {
        if (a->elem_type == 8)
            continue;
        if (kind == LABEL_INDICES || (kind == LABEL_NONE && ol_elem_is_integral(a->elem_type)))
            ol_array_set_i64(a, i, low + (int64_t)(next_u64(s) % (uint64_t)(classes > 0 ? classes : 2)));
        else if (kind == LABEL_BINARY)
            ol_array_set_f64(a, i, (double)(next_u64(s) & 1));
        else
            ol_array_set_f64(a, i, normal(s));
    }
}

static ol_array *sample_array(ol_eval *e, onnxlint_model *m, const ol_type *t, const char *const *dims, size_t n_dims,
                              label_kind kind, int64_t classes, int64_t low, sampler *s)
{
    char err[256] = "";
    ol_kctx k = {.eval = e, .arena = &e->arena, .error = err, .error_len = sizeof err};
    int64_t shape[OL_MAX_RANK];
    int rank = t->shape.rank < 0 ? 0 : t->shape.rank;
    for (int i = 0; i < rank && i < OL_MAX_RANK; i++)
        shape[i] = bind_dim(m, t->shape.dims[i], dims, n_dims);
    ol_array *a = ol_k_array(&k, t->elem_type ? t->elem_type : 1, rank, shape);
    if (a)
        fill(a, kind, classes, low, s);
    return a;
}

static int64_t class_count(onnxlint_model *m, const ol_loss_record *r, const char *const *dims, size_t n_dims)
{
    const ol_type *x = &r->logits_type;
    if (x->shape.rank < 1)
        return 2;
    int axis = x->shape.rank >= 2 && r->kind != OL_LOSS_CATEGORICAL && r->kind != OL_LOSS_SPARSE_CATEGORICAL &&
                       r->kind != OL_LOSS_CTC
                   ? 1
                   : x->shape.rank - 1;
    return bind_dim(m, x->shape.dims[axis], dims, n_dims);
}

static const char *shape_text(onnxlint_model *m, const ol_array *a)
{
    char buf[256];
    size_t n = (size_t)snprintf(buf, sizeof buf, "(");
    for (int i = 0; a && i < a->rank && n < sizeof buf - 24; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%lld", i ? "," : "", (long long)a->dims[i]);
    snprintf(buf + n, sizeof buf - n, ")");
    return ol_finding_printf(m, "%s", buf);
}

static double scalar(const ol_rvalue *v)
{
    if (!v || v->kind != OL_RV_TENSOR || !v->tensor || v->tensor->count == 0)
        return NAN;
    if (v->tensor->count == 1)
        return ol_array_get_f64(v->tensor, 0);
    double sum = 0; /* reduction 'none': the mean of the per-element losses */
    for (size_t i = 0; i < v->tensor->count; i++)
        sum += ol_array_get_f64(v->tensor, i);
    return sum / (double)v->tensor->count;
}

/* ctc_loss of log-probabilities x (T,N,C) and targets y ((N,S) padded or
 * (N*S,) concatenated), every input length T and target length S, blank 0:
 * PyTorch's CPU forward (ctc_loss_cpu), alpha recursion in log space.
 * reduction 'mean' (the default) divides each sample's loss by its target
 * length and averages, 'sum' adds the samples' losses, 'none' keeps them
 * (reported as their mean). */
static bool ctc_value(const ol_array *x, const ol_array *y, ol_reduction reduction, double *value, char *why,
                      size_t len)
{
    if (x->rank != 3 || y->rank < 1 || y->rank > 2) {
        snprintf(why, len, "ctc_loss takes (T,N,C) log-probabilities and (N,S) or (N*S,) targets");
        return false;
    }
    size_t t_len = (size_t)x->dims[0], n = (size_t)x->dims[1], c = (size_t)x->dims[2];
    size_t s_len = y->rank == 2 ? (size_t)y->dims[1] : (n ? y->count / n : 0);
    if ((y->rank == 2 && (size_t)y->dims[0] != n) || s_len * n != y->count || t_len == 0 || c == 0) {
        snprintf(why, len, "the targets (%zu elements) do not give every one of the %zu samples a sequence", y->count,
                 n);
        return false;
    }
    size_t l_len = 2 * s_len + 1;
    double *alpha = malloc(2 * l_len * sizeof *alpha);
    if (!alpha) {
        snprintf(why, len, "out of memory");
        return false;
    }
    double total = 0;
    for (size_t b = 0; b < n; b++) {
        const size_t base = b * s_len;
        double *prev = alpha, *cur = alpha + l_len;
        for (size_t s = 0; s < l_len; s++) {
            int64_t label = s % 2 ? ol_array_get_i64(y, base + s / 2) : 0;
            if (label < 0 || (size_t)label >= c) {
                free(alpha);
                snprintf(why, len, "target %lld is out of bounds for %zu classes", (long long)label, c);
                return false;
            }
            prev[s] = s < 2 ? ol_array_get_f64(x, b * c + (size_t)label) : -INFINITY;
        }
        for (size_t t = 1; t < t_len; t++) {
            for (size_t s = 0; s < l_len; s++) {
                int64_t label = s % 2 ? ol_array_get_i64(y, base + s / 2) : 0;
                int64_t label2 = s > 1 && (s - 2) % 2 ? ol_array_get_i64(y, base + (s - 2) / 2) : 0;
                double la1 = prev[s], la2 = s > 0 ? prev[s - 1] : -INFINITY;
                double la3 = s > 1 && label2 != label ? prev[s - 2] : -INFINITY;
                double lamax = fmax(la1, fmax(la2, la3));
                if (lamax == -INFINITY)
                    lamax = 0;
                cur[s] = log(exp(la1 - lamax) + exp(la2 - lamax) + exp(la3 - lamax)) + lamax +
                         ol_array_get_f64(x, (t * n + b) * c + (size_t)label);
            }
            double *swap = prev;
            prev = cur;
            cur = swap;
        }
        double l1 = prev[l_len - 1], l2 = l_len > 1 ? prev[l_len - 2] : -INFINITY;
        double m = fmax(l1, l2);
        double nll = m == -INFINITY ? INFINITY : -(log(exp(l1 - m) + exp(l2 - m)) + m);
        bool per_target = reduction == OL_REDUCTION_DEFAULT || reduction == OL_REDUCTION_MEAN;
        total += per_target ? nll / (double)(s_len ? s_len : 1) : nll;
    }
    free(alpha);
    *value = reduction == OL_REDUCTION_SUM ? total : total / (double)(n ? n : 1);
    return true;
}

/* ---- declared losses, computed here ---- */

/* The declared loss of logits (with sample labels of the declared type);
 * returns false with a framework-style failure in why. */
static bool same_shape(const ol_array *x, const ol_array *y)
{
    bool same = y->rank == x->rank && y->count == x->count;
    for (int i = 0; same && i < x->rank; i++)
        same = y->dims[i] == x->dims[i];
    return same;
}

/* Keras' backend.epsilon(), the clip of kl_divergence (tf.keras 2.12.0
 * keras/backend_config.py). */
#define KERAS_EPSILON 1e-7

/* What the element-wise losses' total is divided by under the declared
 * reduction: PyTorch's 'mean' and 'none' (reported as its mean) by the
 * count of elements, kl_div's 'batchmean' by the batch size; Keras reduces
 * over the last axis per sample (a sum for the categorical losses and
 * kl_divergence, a mean for the others) and then averages the samples
 * (sum_over_batch_size) or adds them (sum). */
static double reduced_count(const ol_loss_record *r, const ol_array *x, size_t count, size_t samples_categorical)
{
    size_t last = x->rank ? (size_t)x->dims[x->rank - 1] : 1;
    size_t samples = last ? count / last : 0; /* Keras: per-sample losses over the last axis */
    if (r->keras) {
        bool summed = r->kind == OL_LOSS_CATEGORICAL || r->kind == OL_LOSS_KL_DIV;
        if (r->kind == OL_LOSS_CATEGORICAL)
            samples = samples_categorical;
        if (r->reduction == OL_REDUCTION_SUM)
            return summed ? 1.0 : (double)(last ? last : 1);
        return (double)(summed ? (samples ? samples : 1) : (count ? count : 1));
    }
    switch (r->reduction) {
    case OL_REDUCTION_SUM: return 1.0;
    case OL_REDUCTION_BATCHMEAN: return (double)(x->rank ? x->dims[0] : 1);
    default: return (double)(count ? count : 1);
    }
}

/* The class index a loss skips: its ignore_index, or PyTorch's default
 * -100 for a declared cross_entropy or nll_loss (a Keras loss, and an ONNX
 * loss node without the attribute, skip none). */
static bool ignored_label(const ol_loss_record *r, int64_t *ignore)
{
    *ignore = r->has_ignore_index ? r->ignore_index : -100;
    return r->has_ignore_index ||
           (r->declared && !r->keras && (r->kind == OL_LOSS_CROSS_ENTROPY || r->kind == OL_LOSS_NLL));
}

static bool declared_value(const ol_loss_record *r, const ol_array *x, const ol_array *y, double *value, char *why,
                           size_t len)
{
    bool index_labels = !ol_elem_is_floating(y->elem_type) &&
                        (r->kind == OL_LOSS_CROSS_ENTROPY || r->kind == OL_LOSS_NLL ||
                         r->kind == OL_LOSS_SPARSE_CATEGORICAL);
    int class_axis = (r->kind == OL_LOSS_SPARSE_CATEGORICAL || r->kind == OL_LOSS_CATEGORICAL) ? x->rank - 1 : 1;
    if (x->rank < 1) {
        snprintf(why, len, "logits are a scalar");
        return false;
    }
    if (r->kind == OL_LOSS_CTC)
        return ctc_value(x, y, r->reduction, value, why, len);
    if (class_axis >= x->rank)
        class_axis = x->rank - 1;
    int64_t c = x->dims[class_axis];
    size_t outer = 1, inner = 1;
    for (int i = 0; i < class_axis; i++)
        outer *= (size_t)x->dims[i];
    for (int i = class_axis + 1; i < x->rank; i++)
        inner *= (size_t)x->dims[i];
    if (index_labels) {
        /* Labels: the logits' shape without the class axis (Keras: or with a 1 there). */
        bool keras_column = r->kind == OL_LOSS_SPARSE_CATEGORICAL && y->rank == x->rank && y->dims[y->rank - 1] == 1;
        bool fits = y->count == outer * inner && (y->rank == x->rank - 1 || keras_column);
        for (int i = 0, j = 0; fits && i < x->rank && !keras_column; i++) {
            if (i == class_axis)
                continue;
            fits = y->dims[j++] == x->dims[i];
        }
        if (!fits) {
            snprintf(why, len, "the loss needs %zu class indices (the logits' shape without the class axis), the "
                     "labels hold %zu elements in rank %d", outer * inner, y->count,
                     y->rank);
            return false;
        }
        double total = 0, eps = r->label_smoothing;
        size_t counted = 0;
        int64_t ignore;
        bool skips = ignored_label(r, &ignore);
        for (size_t o = 0; o < outer; o++) {
            for (size_t in = 0; in < inner; in++) {
                int64_t t = ol_array_get_i64(y, o * inner + in);
                if (skips && t == ignore)
                    continue;
                counted++;
                if (t < 0 || t >= c) {
                    snprintf(why, len, "target %lld is out of bounds for %lld classes", (long long)t, (long long)c);
                    return false;
                }
                double maxv = -INFINITY, sum = 0;
                for (int64_t k = 0; k < c; k++) {
                    double v = ol_array_get_f64(x, (o * (size_t)c + (size_t)k) * inner + in);
                    maxv = v > maxv ? v : maxv;
                }
                for (int64_t k = 0; k < c; k++)
                    sum += exp(ol_array_get_f64(x, (o * (size_t)c + (size_t)k) * inner + in) - maxv);
                double xt = ol_array_get_f64(x, (o * (size_t)c + (size_t)t) * inner + in);
                bool wants_log_probs = r->kind == OL_LOSS_NLL;
                bool wants_probs = r->kind == OL_LOSS_SPARSE_CATEGORICAL && !r->from_logits;
                double nll = wants_log_probs ? -xt : wants_probs ? -log(xt) : -(xt - maxv - log(sum));
                if (eps > 0 && r->kind == OL_LOSS_CROSS_ENTROPY) {
                    /* label smoothing: (1-e) * nll + e/C * sum over classes of -log p */
                    double all = 0;
                    for (int64_t k = 0; k < c; k++)
                        all += -(ol_array_get_f64(x, (o * (size_t)c + (size_t)k) * inner + in) - maxv - log(sum));
                    nll = (1 - eps) * nll + eps / (double)c * all;
                }
                total += nll;
            }
        }
        /* 'mean' averages over the counted targets, 'none' keeps every
         * position (ignored ones are 0) */
        *value = r->reduction == OL_REDUCTION_SUM    ? total
                 : r->reduction == OL_REDUCTION_NONE ? total / (double)(outer * inner)
                 : counted                           ? total / (double)counted
                                                     : NAN;
        return true;
    }
    if (r->kind == OL_LOSS_CROSS_ENTROPY) {
        /* class probabilities of the logits' shape: -sum_c t_c log_softmax(x)_c, averaged over the rest */
        if (!same_shape(x, y)) {
            snprintf(why, len, "class probabilities must have the logits' shape");
            return false;
        }
        double total = 0, eps = r->label_smoothing;
        for (size_t o = 0; o < outer; o++) {
            for (size_t in = 0; in < inner; in++) {
                double maxv = -INFINITY, sum = 0;
                for (int64_t k = 0; k < c; k++) {
                    double v = ol_array_get_f64(x, (o * (size_t)c + (size_t)k) * inner + in);
                    maxv = v > maxv ? v : maxv;
                }
                for (int64_t k = 0; k < c; k++)
                    sum += exp(ol_array_get_f64(x, (o * (size_t)c + (size_t)k) * inner + in) - maxv);
                for (int64_t k = 0; k < c; k++) {
                    size_t at = (o * (size_t)c + (size_t)k) * inner + in;
                    double t = ol_array_get_f64(y, at) * (1 - eps) + eps / (double)c;
                    total += -t * (ol_array_get_f64(x, at) - maxv - log(sum));
                }
            }
        }
        *value = r->reduction == OL_REDUCTION_SUM ? total : total / (double)(outer * inner);
        return true;
    }
    /* Per-element targets: the logits' shape, or (kl_div, the regression
     * losses) a shape that broadcasts with it, as PyTorch computes them. */
    bool same = same_shape(x, y);
    bool broadcasts = r->kind == OL_LOSS_KL_DIV || r->kind == OL_LOSS_MSE || r->kind == OL_LOSS_L1 ||
                      r->kind == OL_LOSS_SMOOTH_L1 || r->kind == OL_LOSS_HUBER;
    int rank = x->rank > y->rank ? x->rank : y->rank;
    int64_t dims[OL_MAX_RANK];
    size_t count = 1;
    for (int i = 0; i < rank && i < OL_MAX_RANK; i++) {
        int ix = i - (rank - x->rank), iy = i - (rank - y->rank);
        int64_t dx = ix >= 0 ? x->dims[ix] : 1, dy = iy >= 0 ? y->dims[iy] : 1;
        if (dx != dy && dx != 1 && dy != 1)
            broadcasts = false;
        dims[i] = dx > dy ? dx : dy;
        count *= (size_t)dims[i];
    }
    if (!same && (!broadcasts || rank > OL_MAX_RANK)) {
        snprintf(why, len, "prediction (%d dims, %zu elements) and target (%d dims, %zu elements) %s", x->rank,
                 x->count, y->rank, y->count, broadcasts ? "have too many dims" : "do not have the same shape");
        return false;
    }
    double total = 0;
    for (size_t i = 0; i < count; i++) {
        /* the element of x and of y that broadcasting pairs at index i */
        size_t rest = i, at_x = 0, at_y = 0, stride_x = 1, stride_y = 1;
        for (int k = rank - 1; k >= 0; k--) {
            size_t idx = rest % (size_t)dims[k];
            rest /= (size_t)dims[k];
            int ix = k - (rank - x->rank), iy = k - (rank - y->rank);
            if (ix >= 0) {
                at_x += (x->dims[ix] == 1 ? 0 : idx) * stride_x;
                stride_x *= (size_t)x->dims[ix];
            }
            if (iy >= 0) {
                at_y += (y->dims[iy] == 1 ? 0 : idx) * stride_y;
                stride_y *= (size_t)y->dims[iy];
            }
        }
        double p = ol_array_get_f64(x, at_x), t = ol_array_get_f64(y, at_y);
        switch (r->kind) {
        case OL_LOSS_MSE: total += (p - t) * (p - t); break;
        case OL_LOSS_L1: total += fabs(p - t); break;
        case OL_LOSS_SMOOTH_L1: /* beta = 1 */
        case OL_LOSS_HUBER:     /* delta = 1: the same function */
            total += fabs(p - t) < 1 ? 0.5 * (p - t) * (p - t) : fabs(p - t) - 0.5;
            break;
        case OL_LOSS_KL_DIV:
            if (r->keras) { /* kl_divergence: probabilities, both clipped to [epsilon, 1] */
                double tc = fmin(fmax(t, KERAS_EPSILON), 1), pc = fmin(fmax(p, KERAS_EPSILON), 1);
                total += tc * log(tc / pc);
            } else { /* F.kl_div: log-probabilities */
                total += t > 0 ? t * (log(t) - p) : 0;
            }
            break;
        case OL_LOSS_BCE_WITH_LOGITS: total += fmax(p, 0) - p * t + log1p(exp(-fabs(p))); break;
        case OL_LOSS_BCE:
            total += r->from_logits ? fmax(p, 0) - p * t + log1p(exp(-fabs(p))) : -(t * log(p) + (1 - t) * log(1 - p));
            break;
        default: total += -t * (r->from_logits ? p : log(p)); break; /* categorical (per class) */
        }
    }
    *value = total / reduced_count(r, x, count, outer * inner);
    return true;
}

/* ---- labels the user gave ---- */

/* The tensor the run made for v, or NULL. */
static const ol_array *run_tensor(const ol_eval *e, const ol_value *v)
{
    const ol_rvalue *rv = v ? ol_eval_value(e, v) : NULL;
    return rv && rv->kind == OL_RV_TENSOR ? rv->tensor : NULL;
}

/* The class indices of y outside [0, classes), but for ignore when skips:
 * the index of the first (SIZE_MAX: there is none) and how many; and the
 * least and greatest label of all. */
typedef struct label_scan {
    size_t first, n_bad;
    int64_t least, greatest;
} label_scan;

static label_scan scan_labels(const ol_array *y, int64_t classes, bool skips, int64_t ignore)
{
    label_scan sc = {SIZE_MAX, 0, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < y->count; i++) {
        int64_t t = ol_array_get_i64(y, i);
        sc.least = t < sc.least ? t : sc.least;
        sc.greatest = t > sc.greatest ? t : sc.greatest;
        if ((skips && t == ignore) || (t >= 0 && t < classes))
            continue;
        sc.first = sc.first == SIZE_MAX ? i : sc.first;
        sc.n_bad++;
    }
    return sc;
}

/* Most label values TensorFlow's words list here (it lists them all). */
#define LABEL_VALUES_SHOWN 64

/* Class indices y given with --input (file) for the class-index loss r,
 * against the classes of the logits x the run made: a label outside
 * [0, C) that the loss does not skip fails training at its first batch.
 * Adds the label-range finding, in the framework's words (PyTorch names
 * the first such label; TensorFlow the least label when one is negative,
 * else the greatest) and returns it; NULL when every label is a class. */
static ol_finding *label_range(onnxlint_model *m, const ol_loss_record *r, const ol_node *node, const ol_array *x,
                               const ol_array *y, const char *file, bool changed)
{
    if (!x || !y || x->rank < 1 || !y->count || ol_elem_is_floating(y->elem_type) ||
        !(r->kind == OL_LOSS_CROSS_ENTROPY || r->kind == OL_LOSS_NLL || r->kind == OL_LOSS_SPARSE_CATEGORICAL))
        return NULL;
    int64_t classes = x->dims[r->kind == OL_LOSS_SPARSE_CATEGORICAL ? x->rank - 1 : x->rank > 1 ? 1 : 0];
    int64_t ignore;
    bool skips = ignored_label(r, &ignore);
    label_scan sc = scan_labels(y, classes, skips, ignore);
    if (sc.first == SIZE_MAX)
        return NULL;
    int64_t bad = ol_array_get_i64(y, sc.first);
    ol_fw_verdict said = {.message = r->keras ? OL_FW_KERAS_LABEL_RANGE : OL_FW_PT_TARGET_OUT_OF_BOUNDS};
    char values[LABEL_VALUES_SHOWN * 21 + 8];
    size_t n = 0;
    for (size_t i = 0; i < y->count && i < LABEL_VALUES_SHOWN; i++)
        n += (size_t)snprintf(values + n, sizeof values - n, "%s%lld", i ? " " : "", (long long)ol_array_get_i64(y, i));
    if (y->count > LABEL_VALUES_SHOWN)
        snprintf(values + n, sizeof values - n, " ...");
    ol_fw_arg(&said, "target",
              ol_finding_printf(m, "%lld", (long long)(!r->keras ? bad : sc.least < 0 ? sc.least : sc.greatest)));
    ol_fw_arg(&said, "classes", ol_finding_printf(m, "%lld", (long long)classes));
    ol_fw_arg(&said, "values", ol_finding_printf(m, "%s", values));
    ol_fw_verdict ours = said;
    ol_fw_arg(&ours, "target", ol_finding_printf(m, "%lld", (long long)bad));
    ol_fw_arg(&ours, "input_type", shape_text(m, x));
    const ol_fw_message *msg = &ol_fw_messages[said.message];
    ol_finding *f = ol_finding_add(m, msg->rule, node, "%s", ol_fw_fill(m, msg->summary, &ours));
    if (!f)
        return NULL;
    f->why = ol_fw_why(m, &said);
    f->fix = ol_fw_fill(m, msg->fix, &ours);
    f->confirmed = 1;
    f->evidence = ol_finding_printf(m, "%s%s: label [%zu] is %lld; %zu of the %zu labels %s outside [0, %lld)%s",
                                    file, changed ? ", as the graph changes them before the loss" : "", sc.first,
                                    (long long)bad, sc.n_bad, y->count, sc.n_bad == 1 ? "lies" : "lie",
                                    (long long)classes,
                                    skips ? ol_finding_printf(m, " and not at ignore_index %lld", (long long)ignore)
                                          : "");
    ol_finding_value_add(f, "logits", r->logits, &r->logits_type, NULL);
    ol_finding_value_add(f, "labels", r->labels_input, &r->labels_type, ol_finding_printf(m, "from %s", file));
    f->values[f->n_values - 1].name = r->labels_name;
    return f;
}

/* The labels a loss node of the graph reads, when they come from a file
 * the user gave, checked against the scores it reads: after the run, which
 * made both (and may have stopped at the node for a label). */
static void graph_label_ranges(onnxlint_model *m, ol_eval *e, const char *const *user_inputs, size_t n_user_inputs)
{
    for (size_t l = 0; l < m->n_losses; l++) {
        const ol_loss_record *r = &m->losses[l];
        const ol_node *n = r->node;
        const char *file = r->labels_input ? user_file(r->labels_input->name, user_inputs, n_user_inputs) : NULL;
        if (!file || r->declared || r->pattern || !n || n->n_inputs < 2 || !n->inputs[0] || !n->inputs[1])
            continue;
        label_range(m, r, n, run_tensor(e, n->inputs[0]), run_tensor(e, n->inputs[1]), file,
                    n->inputs[1] != r->labels_input);
    }
}

/* The loss whose node the run stopped at on a class index the sample data
 * made: labels drawn in [0, C) that the graph changes before its loss in a
 * way the draw does not follow (labels * 2, a float round trip) can leave the
 * classes, which says nothing of the model.  Such a run confirms nothing
 * and finds nothing: only labels the user gave are judged (label-range). */
static const ol_loss_record *sample_label_stop(const onnxlint_model *m, ol_eval *e, const char *const *user_inputs,
                                               size_t n_user_inputs)
{
    const ol_node *n = e->failed;
    for (size_t l = 0; n && !e->gave_up && l < m->n_losses; l++) {
        const ol_loss_record *r = &m->losses[l];
        if (r->node != n || r->pattern || r->declared || n->n_inputs < 2 || !n->inputs[0] || !n->inputs[1] ||
            !r->labels_input || !(r->labels_input->flags & OL_VALUE_INPUT) ||
            user_file(r->labels_input->name, user_inputs, n_user_inputs))
            continue; /* labels the model makes, or the user's: judged as they are */
        const ol_array *x = run_tensor(e, n->inputs[0]), *y = run_tensor(e, n->inputs[1]);
        if (!x || !y || x->rank < 1 || ol_elem_is_floating(y->elem_type))
            continue;
        int64_t ignore;
        bool skips = ignored_label(r, &ignore);
        if (scan_labels(y, x->dims[x->rank > 1 ? 1 : 0], skips, ignore).first != SIZE_MAX)
            return r;
    }
    return NULL;
}

/* ---- evidence ---- */

static void set_evidence(onnxlint_model *m, const ol_loss_record *r, int confirmed, const char *evidence,
                         bool errors_only)
{
    for (size_t i = r->first_finding; i < r->first_finding + r->n_findings && i < m->n_findings; i++) {
        ol_finding *f = &m->findings[i];
        if (errors_only && f->severity != ONNXLINT_ERROR)
            continue;
        f->confirmed = confirmed;
        f->evidence = evidence;
    }
}

/* Every loss gets the same "not run" evidence, and says it when it has no
 * finding to carry it. */
static void not_run(onnxlint_model *m, const char *why)
{
    for (size_t l = 0; l < m->n_losses; l++) {
        set_evidence(m, &m->losses[l], -1, why, false);
        m->losses[l].summary = why;
    }
}

/* Evidence for the warnings of a loss that ran to a value. */
static void value_evidence(onnxlint_model *m, ol_eval *e, ol_loss_record *r, double v, int64_t classes)
{
    for (size_t i = r->first_finding; i < r->first_finding + r->n_findings && i < m->n_findings; i++) {
        ol_finding *f = &m->findings[i];
        if (strcmp(f->rule, "probabilities-as-logits") == 0) {
            /* Confident probabilities p = one-hot: softmax(p) puts e/(e+C-1) on the
             * true class, so the loss cannot go below log(1+(C-1)/e). */
            double floor_loss = classes > 1 ? log(1.0 + (double)(classes - 1) / M_E) : NAN;
            f->confirmed = 1;
            f->evidence = ol_finding_printf(m, "loss %.4f at random init; with perfectly confident predictions it "
                                               "cannot go below %.4f (softmax applied twice, %lld classes)",
                                            v, floor_loss, (long long)classes);
        } else if (strcmp(f->rule, "logits-as-probabilities") == 0) {
            bool bad = isnan(v) || isinf(v) || (r->kind == OL_LOSS_NLL && v < 0);
            f->confirmed = bad;
            f->evidence = ol_finding_printf(m, "loss %s at random init%s", isnan(v) ? "is NaN" : "",
                                            isnan(v) ? " (the log of a negative score)" : "");
            if (!isnan(v))
                f->evidence = ol_finding_printf(
                    m, "loss %.4f at random init%s", v,
                    v < 0 ? ": negative, so training drives it to -inf"
                    : r->kind == OL_LOSS_NLL
                        ? " (minus the raw score of the true class: nothing bounds it below)"
                        : "");
        } else if (strcmp(f->rule, "broadcast-loss") == 0 && r->node) {
            const ol_rvalue *meet = r->node->n_outputs ? ol_eval_value(e, r->node->outputs[0]) : NULL;
            const ol_array *a = meet && meet->kind == OL_RV_TENSOR ? meet->tensor : NULL;
            if (a) {
                bool square = a->rank == 2 && a->dims[0] == a->dims[1] && a->dims[0] > 1;
                f->confirmed = square;
                f->evidence = ol_finding_printf(m, "the loss compares a %s tensor (%zu pairs) for a batch of %lld",
                                                shape_text(m, a), a->count, a->rank ? (long long)a->dims[0] : 1LL);
            }
        } else if (f->severity == ONNXLINT_ERROR && f->confirmed < 0) {
            f->confirmed = 0;
            f->evidence = ol_finding_printf(m, "the loss ran on sample data: %.4f", v);
        }
    }
}

static bool node_in(const ol_loss_record *r, const ol_node *n)
{
    for (size_t i = 0; i < r->n_region; i++) {
        if (r->region[i] == n)
            return true;
    }
    return r->node == n;
}

/* The runtime tensor of v as a type with concrete dims (dims: room for
 * OL_MAX_RANK), or NULL. */
static const ol_type *runtime_type(const ol_eval *e, const ol_value *v, ol_type *t, ol_dim *dims)
{
    const ol_rvalue *rv = v ? ol_eval_value(e, v) : NULL;
    const ol_array *a = rv && rv->kind == OL_RV_TENSOR ? rv->tensor : NULL;
    if (!a || a->rank > OL_MAX_RANK)
        return NULL;
    memset(t, 0, sizeof *t);
    t->kind = OL_TYPE_TENSOR;
    t->elem_type = a->elem_type;
    t->shape.rank = a->rank;
    t->shape.dims = dims;
    for (int i = 0; i < a->rank; i++)
        dims[i] = ol_dim_value(a->dims[i]);
    return t;
}

/* A run on data of the declared shapes that fails is itself a finding when
 * no error explains it: at the node, the evaluator's words as evidence,
 * PyTorch's words where the node is a PyTorch call. */
static void run_failed(onnxlint_model *m, const ol_eval *e)
{
    if (!e->failed)
        return;
    const ol_node *n = e->failed;
    char idx[32];
    const char *shown = ol_node_display_name(n, idx, sizeof idx);
    if (e->gave_up) /* the run's own limits stopped it: says nothing of the model */
        return;
    /* Explained already: by any error, or by a finding at the node itself
     * (float probabilities into SoftmaxCrossEntropyLoss: PyTorch trains on
     * them, ONNX runtimes do not, and the warning says so). */
    for (size_t i = 0; i < m->n_findings; i++) {
        const ol_finding *f = &m->findings[i];
        if (!f->dropped && (f->severity == ONNXLINT_ERROR ||
                            (f->severity == ONNXLINT_WARNING && f->node && strcmp(f->node, shown) == 0)))
            return;
    }
    ol_type ta, tb, ts;
    ol_dim da[OL_MAX_RANK], db[OL_MAX_RANK], ds[OL_MAX_RANK];
    const ol_type *a = runtime_type(e, n->n_inputs > 0 ? n->inputs[0] : NULL, &ta, da);
    const ol_type *b = runtime_type(e, n->n_inputs > 1 ? n->inputs[1] : NULL, &tb, db);
    const ol_type *shape = NULL;
    const ol_rvalue *sv = strcmp(n->op_type, "Reshape") == 0 && n->n_inputs > 1 && n->inputs[1]
                              ? ol_eval_value(e, n->inputs[1])
                              : NULL;
    if (sv && sv->kind == OL_RV_TENSOR && sv->tensor && sv->tensor->rank == 1 && sv->tensor->count <= OL_MAX_RANK) {
        memset(&ts, 0, sizeof ts);
        ts.kind = OL_TYPE_TENSOR;
        ts.shape.rank = (int)sv->tensor->count;
        ts.shape.dims = ds;
        for (size_t k = 0; k < sv->tensor->count; k++)
            ds[k] = ol_dim_value(ol_array_get_i64(sv->tensor, k));
        shape = &ts;
    }
    ol_finding *f = ol_finding_add(m, "run-failed", n, "%s fails when the model runs on data of its declared shapes",
                                   n->op_type);
    if (!f)
        return;
    f->why = ol_fw_layer_why(m, n, a, b, shape);
    f->confirmed = 1;
    f->evidence = ol_finding_printf(m, "%s", e->error);
    f->fix = ol_finding_printf(m, "make the shapes agree for every input size the model declares (a view(-1, K) "
                                  "usually wants x.flatten(1); check the layer's in_features / in_channels)");
    /* A loss node that met a label outside [0, C): PyTorch's IndexError. */
    const ol_array *labels = (strcmp(n->op_type, "SoftmaxCrossEntropyLoss") == 0 ||
                              strcmp(n->op_type, "NegativeLogLikelihoodLoss") == 0) &&
                                     n->n_inputs > 1 && a && a->shape.rank >= 2
                                 ? run_tensor(e, n->inputs[1])
                                 : NULL;
    int64_t classes = a && a->shape.rank >= 2 ? a->shape.dims[1].value : 0;
    int64_t ignore = ol_node_attribute_int(n, "ignore_index", INT64_MIN);
    label_scan sc = labels ? scan_labels(labels, classes, ignore != INT64_MIN, ignore) : (label_scan){SIZE_MAX, 0, 0, 0};
    if (sc.first != SIZE_MAX) {
        ol_fw_verdict v = {.message = OL_FW_PT_TARGET_OUT_OF_BOUNDS};
        ol_fw_arg(&v, "target", ol_finding_printf(m, "%lld", (long long)ol_array_get_i64(labels, sc.first)));
        ol_fw_arg(&v, "classes", ol_finding_printf(m, "%lld", (long long)classes));
        f->why = ol_fw_why(m, &v);
        f->fix = ol_fw_fill(m, ol_fw_messages[v.message].fix, &v);
    }
}

/* The file given for graph input name, or NULL. */
static const char *user_file(const char *name, const char *const *inputs, size_t n_inputs)
{
    for (size_t i = 0; i < n_inputs; i++) {
        const char *eq = strchr(inputs[i], '=');
        if (eq && (size_t)(eq - inputs[i]) == strlen(name) && strncmp(inputs[i], name, strlen(name)) == 0)
            return eq + 1;
    }
    return NULL;
}

/* A batch-mismatch warning (a fixed label batch against a symbolic one)
 * is shown by a run that fails at its loss with the sample batch. */
static void confirm_batch_warnings(onnxlint_model *m, const ol_loss_record *r, const char *evidence)
{
    for (size_t i = r->first_finding; i < r->first_finding + r->n_findings && i < m->n_findings; i++) {
        ol_finding *f = &m->findings[i];
        if (strcmp(f->rule, "batch-mismatch") == 0 && f->severity == ONNXLINT_WARNING) {
            f->confirmed = 1;
            f->evidence = evidence;
        }
    }
}

/* ---- training artifacts: the forward part and the parameters ---- */

/* When the whole graph cannot run (a training graph's gradient half, or an
 * operator without a kernel off the losses' path), restricts the run to the
 * forward part the losses need; true when that part can run. */
static bool restrict_to_forward(onnxlint_model *m, ol_eval *e)
{
    const ol_graph *g = m->graph;
    uint8_t *mask = ol_arena_calloc(&e->arena, g->n_nodes + 1, 1);
    if (!mask || !ol_forward_nodes(m, mask))
        return false;
    e->main_nodes = mask;
    return ol_eval_supported(e, g);
}

/* Whether the run reads graph input v (every input unless the run is
 * restricted to the forward part). */
static bool input_needed(const ol_eval *e, const ol_value *v)
{
    if (!e->main_nodes)
        return true;
    for (size_t i = 0; i < v->n_consumers; i++) {
        const ol_node *c = v->consumers[i];
        if (c->graph != e->model->graph || e->main_nodes[c->index])
            return true;
    }
    return false;
}

/* A parameter as a freshly initialised PyTorch model holds it. */
static ol_array *parameter_array(ol_eval *e, onnxlint_model *m, const ol_type *t, const char *const *dims,
                                 size_t n_dims, ol_param_init init, double bound, sampler *s)
{
    char err[256] = "";
    ol_kctx k = {.eval = e, .arena = &e->arena, .error = err, .error_len = sizeof err};
    int64_t shape[OL_MAX_RANK];
    int rank = t->shape.rank < 0 ? 0 : t->shape.rank;
    for (int i = 0; i < rank && i < OL_MAX_RANK; i++)
        shape[i] = bind_dim(m, t->shape.dims[i], dims, n_dims);
    ol_array *a = ol_k_array(&k, t->elem_type ? t->elem_type : 1, rank, shape);
    if (a && a->elem_type == 1 && (init == OL_INIT_NORMAL || init == OL_INIT_UNIFORM)) {
        /* the bulk of a large model's parameters: drawn in parallel */
        fill_floats(a->data, a->count, s, init == OL_INIT_NORMAL ? DRAW_NORMAL : DRAW_UNIFORM, bound);
        return a;
    }
    for (size_t i = 0; a && i < a->count; i++) {
        double x = init == OL_INIT_ONE ? 1.0
                   : init == OL_INIT_UNIFORM ? (2 * uniform(s) - 1) * bound
                   : init == OL_INIT_NORMAL ? normal(s)
                                            : 0.0;
        ol_array_set_f64(a, i, x);
    }
    return a;
}

onnxlint_status ol_confirm(onnxlint_model *m, uint64_t seed, const char *const *dims, size_t n_dims,
                           const char *const *user_inputs, size_t n_user_inputs)
{
    if (!m->n_losses)
        return ONNXLINT_OK;
    ol_eval e;
    ol_eval_options eo = {.max_iterations = OL_MAX_CONFIRM_ITERATIONS};
    ol_eval_init(&e, m, &eo);
    sampler s = {seed ? seed : 0x9E3779B97F4A7C15ull};
    const ol_graph *g = m->graph;
    if (!ol_eval_supported(&e, g) && !restrict_to_forward(m, &e)) {
        not_run(m, ol_finding_printf(m, "not run: %s", e.error));
        ol_eval_destroy(&e);
        return ONNXLINT_OK;
    }
    dim_env env = {dims, n_dims};
    run_cost cost;
    estimate_cost(m, &env, user_inputs, n_user_inputs, &cost);
    if (cost.bytes > OL_MAX_CONFIRM_BYTES) {
        char idx[32], what[160];
        const ol_node *p = cost.largest->producer;
        if (p)
            snprintf(what, sizeof what, "made by %s '%s'", p->op_type, ol_node_display_name(p, idx, sizeof idx));
        else if (cost.largest->flags & OL_VALUE_INITIALIZER)
            snprintf(what, sizeof what, "a weight");
        else
            snprintf(what, sizeof what, "a graph input");
        not_run(m, ol_finding_printf(m,
                                     "not run: needs about %.1f GiB for its values, over the %.0f GiB a confirmation "
                                     "may use ('%s', %s, alone %.1f GiB); bind smaller dims with --dim",
                                     (double)cost.bytes / (1 << 30), (double)OL_MAX_CONFIRM_BYTES / (1 << 30),
                                     cost.largest->name, what, (double)cost.largest_bytes / (1 << 30)));
        ol_eval_destroy(&e);
        return ONNXLINT_OK;
    }
    if (cost.work > OL_MAX_CONFIRM_WORK) {
        char idx[32];
        not_run(m, ol_finding_printf(m,
                                     "not run: it would take about %.3g multiply-adds, over the %.3g a confirmation "
                                     "may do (%s '%s' alone %.3g); bind smaller dims with --dim",
                                     (double)cost.work, (double)OL_MAX_CONFIRM_WORK, cost.heaviest->op_type,
                                     ol_node_display_name(cost.heaviest, idx, sizeof idx), (double)cost.heaviest_work));
        ol_eval_destroy(&e);
        return ONNXLINT_OK;
    }
    if (cost.draw_seconds > OL_MAX_CONFIRM_DRAW_SECONDS) {
        not_run(m, ol_finding_printf(m,
                                     "not run: drawing its sample inputs would take about %.0f s, over the %.0f s a "
                                     "confirmation may spend on them ('%s' is the largest); bind smaller dims with "
                                     "--dim or give inputs with --input",
                                     cost.draw_seconds, OL_MAX_CONFIRM_DRAW_SECONDS, cost.slowest_draw->name));
        ol_eval_destroy(&e);
        return ONNXLINT_OK;
    }
    ol_rvalue **inputs = ol_arena_calloc(&e.arena, g->n_inputs + 1, sizeof *inputs);
    ol_rvalue **outputs = ol_arena_calloc(&e.arena, g->n_outputs + 1, sizeof *outputs);
    char err[256] = "";
    ol_kctx k = {.eval = &e, .arena = &e.arena, .error = err, .error_len = sizeof err};
    size_t n = 0;
    for (size_t i = 0; inputs && i < g->n_inputs; i++) {
        const ol_value *v = g->inputs[i];
        if (v->flags & OL_VALUE_INITIALIZER)
            continue;
        label_kind kind = LABEL_NONE;
        int64_t classes = 2, low = 0;
        for (size_t l = 0; l < m->n_losses; l++) {
            const ol_loss_record *r = &m->losses[l];
            if (r->labels_input == v) {
                kind = label_kind_of(r);
                classes = class_count(m, r, dims, n_dims);
                /* drawn so that the loss reads [0, C): from 1 for labels - 1 */
                low = kind == LABEL_INDICES && r->labels_offset_known ? -r->labels_offset : 0;
            }
        }
        const ol_type *t = ol_value_type(v);
        const char *file = user_file(v->name, user_inputs, n_user_inputs);
        if (file) {
            char why[512];
            inputs[n] = ol_value_read_file(&e, file, t, why, sizeof why);
            if (!inputs[n]) {
                not_run(m, ol_finding_printf(m, "not run: %s", why));
                ol_eval_destroy(&e);
                return ONNXLINT_OK;
            }
            n++;
            continue;
        }
        if (!input_needed(&e, v)) {
            inputs[n++] = NULL;
            continue;
        }
        double bound;
        ol_param_init init = kind == LABEL_NONE ? ol_parameter_init(m, v, &bound) : OL_INIT_NONE;
        ol_array *a = t->kind != OL_TYPE_TENSOR ? NULL
                      : init != OL_INIT_NONE  ? parameter_array(&e, m, t, dims, n_dims, init, bound, &s)
                                              : sample_array(&e, m, t, dims, n_dims, kind, classes, low, &s);
        inputs[n++] = a ? ol_k_tensor_value(&k, a) : NULL;
    }
    bool ran = inputs && outputs && ol_eval_run(&e, inputs, n, outputs, g->n_outputs);
    graph_label_ranges(m, &e, user_inputs, n_user_inputs);
    const ol_loss_record *stopped = ran ? NULL : sample_label_stop(m, &e, user_inputs, n_user_inputs);
    if (!ran && !stopped)
        run_failed(m, &e);
    for (size_t l = 0; l < m->n_losses; l++) {
        ol_loss_record *r = &m->losses[l];
        int64_t classes = class_count(m, r, dims, n_dims);
        if (!ran) {
            bool ours = e.failed && node_in(r, e.failed);
            const char *ev = ol_finding_printf(m, "%s%s",
                                               e.gave_up ? "the sample run stopped at its limit: "
                                               : ours    ? ""
                                                         : "the model fails before the loss: ",
                                               e.error);
            if (r == stopped) /* the sample labels' fault, not the model's */
                ev = ol_finding_printf(m, "the sample labels, as the graph changes them before the loss, are no "
                                          "class of it (%s); give labels with --input %s=FILE",
                                       e.error, r->labels_input ? r->labels_input->name : "LABELS");
            set_evidence(m, r, r == stopped ? -1 : ours ? 1 : -1, ev, ours && r != stopped);
            /* A run that gave up says so: on the loss's line when no
             * finding carries the evidence. */
            if (!r->n_findings)
                r->summary = ol_finding_printf(m, "not confirmed: %s", ev);
            if (ours && r != stopped)
                confirm_batch_warnings(m, r, ev);
            continue;
        }
        double v;
        if (r->declared) {
            const ol_rvalue *lv = ol_eval_value(&e, r->logits);
            const ol_array *x = lv && lv->kind == OL_RV_TENSOR ? lv->tensor : NULL;
            if (!x || r->labels_type.kind != OL_TYPE_TENSOR)
                continue;
            /* The declared labels: the user's file (--input NAME=FILE) or sample data. */
            const char *file = r->labels_name ? user_file(r->labels_name, user_inputs, n_user_inputs) : NULL;
            char why[384];
            ol_array *y = NULL;
            if (file) {
                ol_rvalue *yv = ol_value_read_file(&e, file, &r->labels_type, why, sizeof why);
                y = yv && yv->kind == OL_RV_TENSOR ? yv->tensor : NULL;
                if (!y) {
                    set_evidence(m, r, -1, ol_finding_printf(m, "not run: %s", yv ? "the labels are no tensor" : why),
                                 false);
                    continue;
                }
            } else {
                y = sample_array(&e, m, &r->labels_type, dims, n_dims, label_kind_of(r), classes, 0, &s);
            }
            if (!y)
                continue;
            const ol_finding *range = file ? label_range(m, r, NULL, x, y, file, false) : NULL;
            if (range) {
                r->summary = ol_finding_printf(m, "fails with logits %s and labels %s: %s", shape_text(m, x),
                                               shape_text(m, y), range->message);
                continue;
            }
            if (!declared_value(r, x, y, &v, why, sizeof why)) {
                const char *ev = ol_finding_printf(m, "with logits %s and labels %s: %s", shape_text(m, x),
                                                   shape_text(m, y), why);
                set_evidence(m, r, 1, ev, true);
                if (!r->n_findings) /* the user's labels fail the loss: say so on the loss itself */
                    r->summary = ol_finding_printf(m, "fails %s", ev);
                continue;
            }
        } else {
            v = scalar(r->output ? ol_eval_value(&e, r->output) : NULL);
        }
        r->ran = true;
        r->value = v;
        value_evidence(m, &e, r, v, classes);
        const ol_rvalue *lv = ol_eval_value(&e, r->logits);
        const ol_array *x = lv && lv->kind == OL_RV_TENSOR ? lv->tensor : NULL;
        bool ce = r->kind == OL_LOSS_CROSS_ENTROPY || r->kind == OL_LOSS_SPARSE_CATEGORICAL;
        char inferred[256];
        ol_type_text(&r->logits_type, inferred, sizeof inferred);
        r->summary = ol_finding_printf(m, "%.4f at random init%s; logits %s at run time, inferred %s", v,
                                       ce && classes > 1 ? ol_finding_printf(m, " (ln %lld = %.4f)", (long long)classes,
                                                                             log((double)classes))
                                                         : "",
                                       shape_text(m, x), inferred);
    }
    ol_eval_destroy(&e);
    return m->arena.failed ? ONNXLINT_ENOMEM : ONNXLINT_OK;
}
