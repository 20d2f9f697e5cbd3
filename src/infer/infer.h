/*
 * infer.h - the inference driver: element types and shapes for every value.
 *
 * Walks each graph in dependency order (ol_graph_sort), looks up the
 * operator version in force, checks the node against its schema (arity,
 * attribute types, element types), calls the family's inference function,
 * and reconciles the result with what the file declared.  Subgraphs are
 * inferred when their owner's function asks (If, Loop, Scan...), with
 * their inputs bound; model-local functions are inferred by running their
 * body with the caller's input types.
 *
 * It special-cases no operator: everything operator-specific lives in
 * src/ops.  Findings (shape-error, type-error, declared-shape-mismatch,
 * unknown-op) go to the model's diagnostic sink.
 */
#ifndef OL_INFER_H
#define OL_INFER_H

#include "ir/ir.h"

typedef struct ol_infer_options {
    /* Ignore the declared types of the main graph's outputs (the
     * conformance run compares inference against them). */
    bool forget_output_types;
    /* Check every node against its schema row in full, without the memo
     * of clean node shapes (a unit test compares the two). */
    bool no_check_memo;
} ol_infer_options;

typedef struct ol_infer_stats {
    size_t nodes;           /* nodes visited (subgraphs included) */
    size_t no_schema;       /* nodes whose operator version is unknown */
    size_t no_function;     /* operators with a schema but no inference */
} ol_infer_stats;

/* Direct-mapped cache of schema lookups (operator, domain, opset): a graph
 * repeats a few operators many times. */
#define OL_SCHEMA_CACHE_SIZE 256

struct ol_ctx;

typedef struct ol_schema_cache_entry {
    const char *domain, *op_type;
    int64_t opset;
    const struct ol_schema *schema;
    void (*infer)(struct ol_ctx *ctx); /* the operator's inference function, NULL if none */
} ol_schema_cache_entry;

/* Operator types whose note is given once per model (more: one per node). */
#define OL_MAX_NOTED_OPS 128

/* A node shape ol_check_node found clean (see there): its schema row, its
 * counts of inputs and outputs, which inputs are given and their kinds
 * and element types. */
#define OL_CHECK_MEMO_INPUTS 4
#define OL_CHECK_MEMO_SIZE 16
typedef struct ol_check_memo {
    const struct ol_schema *schema;
    uint32_t n_inputs, n_outputs;
    uint8_t kinds[OL_CHECK_MEMO_INPUTS]; /* 0xff: the input is omitted */
    int32_t elems[OL_CHECK_MEMO_INPUTS];
} ol_check_memo;

typedef struct ol_infer {
    onnxlint_model *model;
    ol_schema_cache_entry schema_cache[OL_SCHEMA_CACHE_SIZE]; /* by the name's hash */
    ol_schema_cache_entry by_address[OL_SCHEMA_CACHE_SIZE];   /* by the name string's address */
    ol_infer_options options;
    ol_infer_stats stats;
    int depth; /* subgraph nesting of the graph being inferred */
    /* Operator types already given their one note (custom operators,
     * ONNX Runtime's default-domain registrations): op_type, domain. */
    const char *noted[OL_MAX_NOTED_OPS][2];
    size_t n_noted;
    ol_check_memo check_memo[OL_CHECK_MEMO_SIZE]; /* by the row's address */
    size_t errors_raised; /* ol_error calls (a repeated diagnostic is reported once, counted here) */
} ol_infer;

/* Most nested subgraph inference (If in Loop in Scan...). */
#define OL_MAX_INFER_DEPTH 32

/* Infers every value of the model (idempotent: a second call redoes it).
 * Returns ONNXLINT_ENOMEM when the arena refused; findings are
 * diagnostics, not failures. */
onnxlint_status ol_infer_model(onnxlint_model *model, const ol_infer_options *options, ol_infer_stats *stats);

/* Infers graph g (its inputs' types already set).  Used by the driver
 * and by ol_infer_subgraph. */
void ol_infer_graph(ol_infer *infer, const ol_graph *g);

#endif
