/*
 * op.h - what an operator is to onnxlint, and what its inference function
 * may use.
 *
 * An operator version is a schema row (data: arity, attributes with types
 * and defaults, type constraints), generated from ONNX's own definitions
 * into schemas.inc, plus one inference function that lives with its family
 * (math.c, nn.c, tensor.c, ...) and is found by name through the family's
 * table.  Before the function runs, the generic checker (src/infer) has
 * validated arity, attribute types and element types against the row, so
 * the function only does what is specific to its operator.
 *
 * Rules for inference functions (ONNX's semantics):
 *   - set the element type whenever it is known, the shape only when known;
 *   - an input of unknown type or shape gives an unknown result, not an
 *     error;
 *   - a real contradiction (MatMul inner dims 3 vs 4) is reported with
 *     ol_error(ctx, "shape-error", ...) naming the shapes, and inference
 *     goes on with what can still be said;
 *   - never print, exit, or look at another family's internals.
 */
#ifndef OL_OP_H
#define OL_OP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/ir.h"

/* ---- schema rows (data) ---- */

typedef enum ol_attr_type {
    OL_ATTR_UNDEFINED = 0,
    OL_ATTR_FLOAT = 1,
    OL_ATTR_INT = 2,
    OL_ATTR_STRING = 3,
    OL_ATTR_TENSOR = 4,
    OL_ATTR_GRAPH = 5,
    OL_ATTR_FLOATS = 6,
    OL_ATTR_INTS = 7,
    OL_ATTR_STRINGS = 8,
    OL_ATTR_TENSORS = 9,
    OL_ATTR_GRAPHS = 10,
    OL_ATTR_SPARSE_TENSOR = 11,
    OL_ATTR_SPARSE_TENSORS = 12,
    OL_ATTR_TYPE_PROTO = 13,
    OL_ATTR_TYPE_PROTOS = 14
} ol_attr_type;

typedef struct ol_attr_spec {
    const char *name;
    ol_attr_type type;
    bool required;
} ol_attr_spec;

/* A type constraint: which element types a tensor (or a sequence's or an
 * optional's element) may have.  Bit k stands for element type k. */
typedef struct ol_type_constraint {
    uint32_t tensor; /* 0: tensors not allowed */
    uint32_t sequence;
    uint32_t optional_tensor;
    uint32_t optional_sequence;
} ol_type_constraint;

enum { OL_FORMAL_SINGLE = 0, OL_FORMAL_OPTIONAL = 1, OL_FORMAL_VARIADIC = 2 };

typedef struct ol_formal {
    uint8_t option;     /* OL_FORMAL_* */
    uint8_t constraint; /* index into the row's constraints; 255: none */
    bool homogeneous;   /* variadic: every element of one type */
} ol_formal;

typedef struct ol_ctx ol_ctx;
typedef void (*ol_infer_fn)(ol_ctx *ctx);
/* A numeric kernel (src/eval/eval.h): false when the node cannot run. */
struct ol_kctx;
typedef bool (*ol_kernel_fn)(struct ol_kctx *k);

typedef struct ol_schema {
    const char *domain; /* "" for ai.onnx */
    const char *name;
    int since_version;
    uint8_t n_inputs, n_outputs; /* formal parameters */
    const ol_formal *inputs;
    const ol_formal *outputs;
    const ol_attr_spec *attributes; /* terminated by a NULL name */
    const ol_type_constraint *constraints;
    uint8_t n_constraints;
    bool deprecated;
    uint8_t min_inputs, max_inputs; /* 255: no limit */
    uint8_t min_outputs, max_outputs;
} ol_schema;

/* The schema row in force for (domain, name) at opset version, or NULL. */
const ol_schema *ol_schema_find(const char *domain, const char *name, int64_t version);

/* Whether a row is ONNX Runtime's own (com.microsoft, or its registration
 * of an operator in the default domain that ONNX does not define at the
 * model's opset: MaxPoolGrad, LayerNormalization before opset 17...). */
bool ol_schema_is_runtime(const ol_schema *schema);

/* The inference function registered for (domain, name), or NULL. */
ol_infer_fn ol_infer_find(const char *domain, const char *name);

/* One family's table: sorted by name (the registry sorts nothing). */
typedef struct ol_op_entry {
    const char *domain;
    const char *name;
    ol_infer_fn infer;
    ol_kernel_fn kernel; /* NULL: the evaluator cannot run this operator */
} ol_op_entry;

/* ---- what an inference function sees ---- */

struct ol_ctx {
    struct ol_infer *infer;
    const ol_node *node;
    const ol_schema *schema; /* the row in force */
    int64_t version;         /* its since_version */
    ol_exprs *exprs;         /* the model's symbolic dims */
    ol_arena *arena;         /* the model's arena */
    ol_type scratch;         /* where writes to an absent output go */
    ol_dim *last_dims;       /* the last dims array ol_out_tensor allocated */
    size_t last_dims_size;   /* its size in bytes */
};

/* Inputs.  i beyond the node's inputs, or an omitted optional input,
 * counts as absent. */
size_t ol_in_count(const ol_ctx *ctx);
bool ol_in_has(const ol_ctx *ctx, size_t i);
/* The input's type (inferred, else declared); NULL when absent. */
const ol_type *ol_in_type(const ol_ctx *ctx, size_t i);
/* The element type of a tensor input, 0 when unknown or absent. */
int32_t ol_in_elem(const ol_ctx *ctx, size_t i);
/* The shape of a tensor input, NULL when absent or its rank is unknown. */
const ol_shape *ol_in_shape(const ol_ctx *ctx, size_t i);
/* The propagated values of an input, NULL when not known. */
const ol_data *ol_in_data(const ol_ctx *ctx, size_t i);
/* The name of input i, for messages (escaped), "" when absent. */
const char *ol_in_name(const ol_ctx *ctx, size_t i);

/* Outputs.  Each starts with kind OL_TYPE_NONE (unknown). */
size_t ol_out_count(const ol_ctx *ctx);
bool ol_out_has(const ol_ctx *ctx, size_t i);
ol_type *ol_out(ol_ctx *ctx, size_t i);
/* Makes output i a tensor of elem type and the given rank (dims unknown)
 * and returns its dims (NULL on out of memory, or rank < 0 for unknown
 * rank). */
ol_dim *ol_out_tensor(ol_ctx *ctx, size_t i, int32_t elem, int rank);
/* Copies a type into output i (deeply enough to be changed after). */
void ol_out_set(ol_ctx *ctx, size_t i, const ol_type *type);
/* Output i gets input j's type. */
void ol_out_like(ol_ctx *ctx, size_t i, size_t j);
/* Output i gets the element type of input j and an unknown shape. */
void ol_out_elem_like(ol_ctx *ctx, size_t i, size_t j);
/* Attaches propagated values to output i (the data is kept as given). */
void ol_out_data(ol_ctx *ctx, size_t i, ol_data *data);
/* A new data block of count elements (values for integer elem types,
 * reals for floating ones), rank-1 of length count unless set after. */
ol_data *ol_data_new(ol_ctx *ctx, int32_t elem_type, size_t count);

/* Attributes (read from the NodeProto; defaults are the caller's). */
bool ol_attr_has(const ol_ctx *ctx, const char *name);
int64_t ol_attr_int(const ol_ctx *ctx, const char *name, int64_t fallback);
float ol_attr_float(const ol_ctx *ctx, const char *name, float fallback);
/* The string, or fallback; not NUL-safe (ONNX strings rarely hold NUL). */
const char *ol_attr_string(const ol_ctx *ctx, const char *name, const char *fallback);
/* The ints of an INTS attribute; *n = 0 and NULL when absent. */
const int64_t *ol_attr_ints(const ol_ctx *ctx, const char *name, size_t *n);
const float *ol_attr_floats(const ol_ctx *ctx, const char *name, size_t *n);
/* The subgraph of a GRAPH attribute, NULL when absent. */
const ol_graph *ol_attr_graph(const ol_ctx *ctx, const char *name);
/* The values of a TENSOR attribute (Constant's value), NULL when absent,
 * unreadable or larger than OL_MAX_PROPAGATED_ELEMENTS (then *type still
 * gets the tensor's type when type is not NULL). */
const ol_data *ol_attr_tensor(ol_ctx *ctx, const char *name, ol_type *type);

/* Reports a finding at this node: rule is "shape-error" or "type-error".
 * The message should name the shapes; it is formatted then escaped. */
void ol_error(ol_ctx *ctx, const char *rule, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A type for messages: "float[N,4]" (arena string). */
const char *ol_type_str(ol_ctx *ctx, const ol_type *type);
/* A dim for messages. */
const char *ol_dim_str(ol_ctx *ctx, ol_dim d);

/* Two dims that must be equal (what names them in a message): returns the
 * better-known one; a concrete contradiction is a shape-error, two
 * symbols are unified. */
ol_dim ol_dim_merge(ol_ctx *ctx, ol_dim a, ol_dim b, const char *what);

/* Multidirectional (numpy) broadcasting of the tensor inputs listed (NULL
 * shapes make the result's rank unknown): fills out (dims in the arena).
 * Reports a shape-error for incompatible dims. */
bool ol_broadcast(ol_ctx *ctx, const ol_shape *const *shapes, size_t n, ol_shape *out);

/* One dim of a broadcast, fed one operand's dim at a time.  Broadcasting
 * gives max-like facts, never equalities: N against M is N, M or either
 * (one of them 1), so it is unknown unless one side cannot be 1 (a size
 * other than 1, or an expression >= 2 like N+1).  Start with
 * {ol_dim_value(1), false}; ol_broadcast_step returns false when two sizes
 * other than 1 differ (the caller reports it); ol_broadcast_result is the
 * dim, unknown while the operands leave it open. */
typedef struct ol_broadcast_acc {
    ol_dim dim;
    bool open;
} ol_broadcast_acc;
bool ol_broadcast_step(ol_ctx *ctx, ol_broadcast_acc *acc, ol_dim d);
ol_dim ol_broadcast_result(const ol_broadcast_acc *acc);

/* Normalises an axis in [-rank, rank) (or [-rank-1, rank] when
 * inclusive); reports a shape-error naming what and returns -1 when out
 * of range. */
int ol_axis(ol_ctx *ctx, int64_t axis, int rank, bool inclusive, const char *what);

/* Infers a subgraph with its formal inputs bound to the given types
 * (NULL: keep the declared one) and returns its outputs' types in outs
 * (n_outs entries at most).  Returns false when the graph could not be
 * inferred (nesting, memory). */
bool ol_infer_subgraph(ol_ctx *ctx, const ol_graph *graph, const ol_type *const *inputs, size_t n_inputs,
                       ol_type *outs, size_t n_outs);

/* Product of known dims of a shape (symbolic allowed) from axis begin to
 * end; unknown when any of them is. */
ol_dim ol_shape_product(ol_ctx *ctx, const ol_shape *shape, int begin, int end);

#endif
