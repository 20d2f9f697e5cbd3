/*
 * eval.h - the numeric evaluator: runtime values, the kernel API, the driver.
 *
 * A run evaluates a graph on concrete inputs: each node's kernel (beside
 * its inference function in the family's table, src/ops) reads its input
 * values and writes its outputs.  Kernels follow ONNX's operator semantics
 * exactly as the backend test suite checks them.
 *
 * Invariants:
 *   - Every byte of a run comes from the run's arena (over the library's
 *     allocator) and dies with it; the arena's budget (OL_MAX_EVAL_MEMORY,
 *     or the caller's) bounds what a run may take: an allocation past it
 *     fails the node cleanly ("needs more than the evaluator's memory
 *     budget"), it never aborts the process.
 *   - A failing kernel is evidence, not an abort: the run stops at that
 *     node with a one-line message naming it and the shapes involved.
 *   - Kernels never print, exit, or keep state between calls.
 */
#ifndef OL_EVAL_H
#define OL_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/ir.h"
#include "ops/op.h"

/* Default memory budget of one run. */
#define OL_MAX_EVAL_MEMORY ((size_t)4 << 30)
/* Most elements one tensor of a run may have. */
#define OL_MAX_EVAL_ELEMENTS ((uint64_t)1 << 31)

/* A tensor value.  Elements are stored densely in row-major order in their
 * natural C type: float, double, int8..int64, uint8..uint64, bool as
 * uint8_t (0/1), float16/bfloat16 as uint16_t bits, complex as float/double
 * pairs, strings as `ol_string` (pointer + length, not NUL-terminated). */
typedef struct ol_array {
    int32_t elem_type;
    int rank;
    int64_t *dims;
    size_t count; /* product of dims */
    void *data;   /* count elements; NULL when count is 0 */
} ol_array;

typedef struct ol_string {
    const char *data;
    size_t len;
} ol_string;

typedef enum ol_rvalue_kind {
    OL_RV_TENSOR = 0,
    OL_RV_SEQUENCE,
    OL_RV_OPTIONAL, /* present: tensor or items[0]; absent: none */
    OL_RV_MAP       /* keys and values as two tensors */
} ol_rvalue_kind;

/* A runtime value of any ONNX kind. */
typedef struct ol_rvalue {
    ol_rvalue_kind kind;
    ol_array *tensor;          /* OL_RV_TENSOR, an optional's tensor, a map's keys */
    struct ol_rvalue **items;  /* OL_RV_SEQUENCE elements; an optional's sequence in items[0] */
    size_t n_items;
    bool present;              /* OL_RV_OPTIONAL */
    int32_t elem_type;         /* an empty sequence's / absent optional's element type */
    ol_array *values;          /* OL_RV_MAP values */
} ol_rvalue;

typedef struct ol_eval ol_eval;

/* What a kernel sees: the node, its inputs' values, where its outputs go.
 * `infer` is an inference context of the same node, so the attribute
 * getters of ops/op.h (ol_attr_int...) work in kernels too. */
typedef struct ol_kctx {
    ol_eval *eval;
    const ol_node *node;
    ol_ctx infer;
    ol_arena *arena;
    ol_rvalue *const *inputs; /* NULL for an omitted input */
    size_t n_inputs;
    ol_rvalue **outputs; /* to fill; NULL entries for omitted outputs */
    size_t n_outputs;
    char *error; /* the failure message (ol_k_fail) */
    size_t error_len;
} ol_kctx;

/* The kernel registered for (domain, name), or NULL. */
ol_kernel_fn ol_kernel_find(const char *domain, const char *name);

/* ---- for kernels ---- */

/* Input i as a tensor; NULL when absent or not a tensor. */
const ol_array *ol_k_in(const ol_kctx *k, size_t i);
/* Input i as any value; NULL when absent. */
const ol_rvalue *ol_k_in_value(const ol_kctx *k, size_t i);
/* Makes output i a new tensor of elem type and shape (dims copied), its
 * data zero-filled; NULL (after ol_k_fail) when over budget. */
ol_array *ol_k_out(ol_kctx *k, size_t i, int32_t elem_type, int rank, const int64_t *dims);
/* Makes output i an existing value (shared, not copied: values are
 * immutable once made). */
void ol_k_out_value(ol_kctx *k, size_t i, ol_rvalue *value);
/* Records why the node failed (one line, shapes included); returns false. */
bool ol_k_fail(ol_kctx *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Allocates from the run's arena; NULL (after ol_k_fail) over budget. */
void *ol_k_alloc(ol_kctx *k, size_t size);
/* A tensor not bound to an output (scratch, or a sequence element). */
ol_array *ol_k_array(ol_kctx *k, int32_t elem_type, int rank, const int64_t *dims);
/* A value wrapping a tensor. */
ol_rvalue *ol_k_tensor_value(ol_kctx *k, ol_array *a);
/* A sparse tensor (a sparse initializer, Constant's sparse_value) made
 * dense: values [NNZ] at indices [NNZ] (linear) or [NNZ, rank]
 * (coordinates), zeros elsewhere.  NULL (after ol_k_fail) when its parts
 * cannot be read or do not fit its dims. */
ol_array *ol_k_sparse_dense(ol_kctx *k, const Onnx__SparseTensorProto *sp);

/* The full value of the node's TENSOR attribute name (its data read where
 * the loader left it), or NULL after ol_k_fail. */
ol_array *ol_k_attr_tensor(ol_kctx *k, const char *name);
/* A shape for messages: "(4,5)". */
const char *ol_k_shape(ol_kctx *k, const ol_array *a);

/* Runs a subgraph (If branch, Loop/Scan body) with its formal inputs bound
 * to the given values; fills outs (n_outs) with its outputs' values.
 * Returns false (after ol_k_fail) when the body fails. */
bool ol_k_run_subgraph(ol_kctx *k, const ol_graph *g, ol_rvalue *const *inputs, size_t n_inputs, ol_rvalue **outs,
                       size_t n_outs);

/* ---- arrays ---- */

/* Bytes one element of the type takes in an ol_array (0 if unsupported). */
size_t ol_elem_size(int32_t elem_type);
/* Element i as a double / as an int64 (any numeric type, bool included;
 * float16 and bfloat16 converted). */
double ol_array_get_f64(const ol_array *a, size_t i);
int64_t ol_array_get_i64(const ol_array *a, size_t i);
/* Stores v into element i, converted to the array's type (ONNX Cast
 * semantics for float -> int: truncation toward zero). */
void ol_array_set_f64(ol_array *a, size_t i, double v);
void ol_array_set_i64(ol_array *a, size_t i, int64_t v);
/* float16 / bfloat16 <-> float. */
float ol_half_to_float(uint16_t h);
uint16_t ol_float_to_half(float f);
float ol_bfloat16_to_float(uint16_t h);
uint16_t ol_float_to_bfloat16(float f);

/* Multidirectional broadcasting: fills out_dims (rank *out_rank) or
 * returns false when the shapes do not broadcast. */
bool ol_broadcast_dims(const ol_array *const *arrays, size_t n, int64_t *out_dims, int *out_rank);
/* For an output element index (row-major in out_dims), the element index
 * into a (which broadcasts to out_dims). */
size_t ol_broadcast_offset(const ol_array *a, const int64_t *out_dims, int out_rank, size_t out_index);

/* Strides of a row-major shape (elements). */
void ol_strides(const int64_t *dims, int rank, int64_t *strides);

/* ---- the driver ---- */

typedef struct ol_eval_options {
    size_t memory_budget;   /* 0: OL_MAX_EVAL_MEMORY */
    int64_t max_iterations; /* most iterations of one Loop or Scan; 0: the kernels' own limit */
} ol_eval_options;

struct ol_eval {
    onnxlint_model *model;
    ol_arena arena;
    int depth;               /* subgraph nesting */
    char error[512];         /* why the run stopped */
    bool gave_up;            /* it stopped at one of the run's own limits (memory, iterations), not at a defect */
    const ol_node *failed;   /* the node that failed, or NULL */
    size_t unsupported;      /* nodes without a kernel seen by ol_eval_supported */
    int64_t max_iterations;  /* ol_eval_options.max_iterations */
    /* When set: only the main graph's nodes n with main_nodes[n->index]
     * are checked and run (the forward part of a training graph); graph
     * inputs no such node reads may be left without a value. */
    const uint8_t *main_nodes;
};

/* Prepares a run of model (memory from the model's allocator). */
void ol_eval_init(ol_eval *e, onnxlint_model *model, const ol_eval_options *options);
/* Frees everything the run made. */
void ol_eval_destroy(ol_eval *e);

/* A Loop's or Scan's iterations, each run in an arena of its own so that
 * memory stays that of one iteration plus what the node keeps: each
 * iteration's values are freed when it ends, except its outputs, of which
 * the first n_carried (the next iteration's inputs) are copied into a
 * carry arena that lives one iteration more, and the rest (scan outputs,
 * kept to the end) into the run's arena.  ol_k_iterate_start reads the
 * body's initializers first; ol_k_iterate_finish copies the last carried
 * values into the run's arena.  After a failure, ol_k_iterate_abandon. */
typedef struct ol_k_iteration {
    ol_arena carry;
    bool has_carry;
    size_t count;
} ol_k_iteration;
bool ol_k_iterate_start(ol_kctx *k, const ol_graph *body, ol_k_iteration *it);
bool ol_k_iterate(ol_kctx *k, ol_k_iteration *it, const ol_graph *body, ol_rvalue *const *inputs, size_t n_inputs,
                  ol_rvalue **outs, size_t n_outs, size_t n_carried);
bool ol_k_iterate_finish(ol_kctx *k, ol_k_iteration *it, ol_rvalue **carried, size_t n);
void ol_k_iterate_abandon(ol_k_iteration *it);

/* True when every node of the graph (subgraphs included) has a kernel and
 * the model defines no name twice; otherwise says why not in e->error. */
bool ol_eval_supported(ol_eval *e, const ol_graph *g);

/* Runs the main graph: inputs[i] binds the i-th graph input that is not an
 * initializer (NULL: absent, an error if the graph needs it).  Fills
 * outputs[k] for the graph's outputs.  Returns false with e->error and
 * e->failed set when a node fails. */
bool ol_eval_run(ol_eval *e, ol_rvalue *const *inputs, size_t n_inputs, ol_rvalue **outputs, size_t n_outputs);

/* The value computed for v in the last run, or NULL. */
ol_rvalue *ol_eval_value(const ol_eval *e, const ol_value *v);

/* Reads a whole tensor (any size, any type) into an array of the run:
 * raw or typed data from the model file, or external data. */
ol_array *ol_eval_read_tensor(ol_eval *e, const ol_tensor *t);

#endif
