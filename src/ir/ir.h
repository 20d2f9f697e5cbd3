/*
 * ir.h - the graph IR: values, nodes, graphs, functions, tensors, types.
 *
 * The IR is built once by the loader and then only read (inference will
 * annotate values with inferred types in later passes).  It knows nothing
 * about any operator: attributes stay in the NodeProto and are read on
 * demand through ol_node_attribute.
 *
 * Invariants:
 *   - Everything lives in the model's arena and dies with it.
 *   - Within one graph scope a name maps to exactly one ol_value (its map);
 *     a name a node reads but nothing defines gets one value flagged
 *     OL_VALUE_UNDEFINED, so every node input is a value or NULL (an
 *     omitted optional input, spelled "" in ONNX).
 *   - A subgraph's reference to an enclosing scope's value is a local
 *     ol_value flagged OL_VALUE_OUTER whose `outer` points at the real one;
 *     the graph lists them in outer_refs.
 *   - Every value has at most one producer; a second node writing the same
 *     name gets a fresh, unregistered value (and a duplicate-name
 *     diagnostic).
 *   - Tensor payloads are never copied into the IR: an ol_tensor points at
 *     its ol_payload (the bytes' place in the mapped file) or at its
 *     external file.
 */
#ifndef OL_IR_H
#define OL_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/expr.h"
#include "load/wire.h"
#include "onnx.pb-c.h"
#include "onnxlint/onnxlint.h"
#include "util/arena.h"
#include "util/map.h"

/* ONNX element types (TensorProto.DataType), INT2 (IR 13) the newest known. */
#define OL_ELEM_UNDEFINED 0
#define OL_ELEM_MAX 26

/* How many diagnostics a model keeps for its reports (all are counted and
 * all reach the sink). */
#define OL_MAX_KEPT_DIAGNOSTICS 1000

/* The rank of a shape nobody declared. */
#define OL_RANK_UNKNOWN (-1)
/* Largest rank accepted from a file. */
#define OL_MAX_RANK 64

typedef struct ol_shape {
    int rank; /* OL_RANK_UNKNOWN when the shape itself is unknown */
    ol_dim *dims;
} ol_shape;

typedef enum ol_type_kind {
    OL_TYPE_NONE = 0, /* nothing declared */
    OL_TYPE_TENSOR,
    OL_TYPE_SPARSE_TENSOR,
    OL_TYPE_SEQUENCE,
    OL_TYPE_MAP,
    OL_TYPE_OPTIONAL
} ol_type_kind;

typedef struct ol_type {
    int32_t elem_type;    /* tensors: TensorProto.DataType */
    int16_t key_type;     /* map key: a DataType (ol_key_type), -1 beyond int16 */
    uint8_t kind;         /* ol_type_kind (one byte: two types sit in every value) */
    ol_shape shape;       /* tensors */
    struct ol_type *elem; /* sequence/optional element, map value */
} ol_type;

/* Most calls of functions inside functions an attribute reference is
 * followed through. */
#define OL_MAX_FUNCTION_NESTING 32

/* The type of a value nothing declares: kind NONE, rank unknown. */
extern const ol_type ol_type_none;

/* A map's key type as ol_type keeps it: a DataType, -1 past int16 (no
 * such DataType exists). */
static inline int16_t ol_key_type(int32_t data_type)
{
    return data_type >= 0 && data_type <= INT16_MAX ? (int16_t)data_type : -1;
}

/* A constant tensor: an initializer or an attribute's value. */
typedef struct ol_tensor {
    const char *name;
    int32_t elem_type;
    int rank;
    const int64_t *dims;
    uint64_t count;                /* product of dims */
    const Onnx__TensorProto *proto; /* metadata; payload left in the file */
    const ol_payload *payload;     /* where embedded data lies, or NULL */
    const char *external_path;     /* resolved path of external data, or NULL */
    uint64_t external_offset;
    uint64_t external_length;
    const Onnx__SparseTensorProto *sparse; /* a sparse initializer: this is its values part */
} ol_tensor;

/* Values of a small tensor known before run time (a Shape's output, a
 * Constant, a small initializer), with symbolic elements where a dim is
 * symbolic.  Integer and bool elements are dims, and may be symbolic or
 * unknown (the Shape of an (N,?,3) tensor is [N,?,3]): read .value only of
 * OL_DIM_VALUE elements.  Floating elements are doubles. */
typedef struct ol_data {
    int32_t elem_type;
    int rank;            /* rank of the tensor holding the values */
    const int64_t *dims; /* its dims */
    size_t count;        /* number of elements */
    ol_dim *values;      /* integer and bool element types */
    double *reals;       /* floating-point element types */
} ol_data;

/* Most elements a propagated tensor may have. */
#define OL_MAX_PROPAGATED_ELEMENTS 4096

enum {
    OL_VALUE_INPUT = 1u << 0,
    OL_VALUE_INITIALIZER = 1u << 1,
    OL_VALUE_OUTPUT = 1u << 2,
    OL_VALUE_UNDEFINED = 1u << 3,
    OL_VALUE_OUTER = 1u << 4
};

typedef struct ol_node ol_node;
typedef struct ol_graph ol_graph;
typedef struct ol_function ol_function;

typedef struct ol_value {
    const char *name;
    unsigned flags;
    uint32_t producer_output;
    ol_node *producer; /* NULL for inputs, initializers, undefined, outer */
    ol_node **consumers; /* &first_consumer until a second one comes */
    ol_node *first_consumer;
    uint32_t n_consumers, consumers_cap;
    ol_graph *graph;
    ol_tensor *initializer;
    struct ol_value *outer; /* OL_VALUE_OUTER: the enclosing scope's value */
    ol_data *data;          /* propagated values, NULL when unknown */
    struct ol_rvalue *runtime; /* the value in the current evaluator run */
    const ol_type *type; /* as declared (input, output, value_info, initializer);
                            &ol_type_none when nothing is: most values of a
                            graph, which then spend 8 bytes on it, not 32 */
    ol_type inferred; /* set by inference; kind NONE until then */
} ol_value;

struct ol_node {
    const char *name; /* "" when the file gives none */
    const char *op_type;
    const char *domain; /* "" for ai.onnx */
    int64_t opset;      /* version of the domain in force; 0 if not imported */
    ol_value **inputs;  /* NULL entries for omitted optional inputs */
    ol_value **outputs; /* NULL entries for omitted optional outputs */
    uint32_t n_inputs;
    uint32_t n_outputs;
    ol_graph **subgraphs; /* from GRAPH / GRAPHS attributes, in order */
    const ol_function *function; /* a model-local function it calls */
    ol_tensor **attribute_tensors; /* per attribute: its TENSOR value, or NULL */
    Onnx__AttributeProto *const *attributes; /* as the file gives them (the node
                                                 keeps no other part of its NodeProto) */
    ol_graph *graph;
    uint32_t n_attributes;
    uint32_t n_subgraphs;
    uint32_t index; /* position in graph->nodes */
};

struct ol_graph {
    const char *name;
    ol_graph *parent;        /* enclosing graph, NULL for main and bodies */
    ol_node *owner;          /* node whose attribute holds this graph */
    const char *owner_attribute;
    const ol_function *function; /* the function whose body this is */
    const ol_node *caller;   /* a body's call being inferred or run: its nodes'
                                attribute references read the caller's
                                attributes (ol_node_attribute) */
    int depth;               /* 0 for the main graph and function bodies */
    ol_node **nodes;
    size_t n_nodes;
    ol_value **inputs;
    size_t n_inputs;
    ol_value **outputs;
    size_t n_outputs;
    ol_value **initializers;
    size_t n_initializers;
    ol_value **outer_refs;
    size_t n_outer_refs;
    ol_map values; /* name -> ol_value in this scope */
    ol_node **order; /* nodes in a dependency order (ol_graph_sort) */
    size_t n_cyclic;  /* nodes left out of order: they sit on a cycle */
    bool sorted;      /* the file's order already respects dependencies */
    const Onnx__GraphProto *proto; /* NULL for function bodies */
};

struct ol_function {
    const char *domain;
    const char *name;
    ol_graph *body;
    const Onnx__FunctionProto *proto;
};

/* A diagnostic kept with the model for reports (strings in the arena). */
typedef struct ol_diagnostic {
    onnxlint_severity severity;
    const char *code;
    const char *node; /* escaped display name, or NULL */
    const char *message;
} ol_diagnostic;

typedef struct ol_opset {
    const char *domain; /* "" for ai.onnx */
    int64_t version;
} ol_opset;

struct onnxlint_model {
    ol_arena arena;
    const char *path;
    const char *dir; /* the folder external data must stay inside */
    size_t n_external; /* tensors whose data is in external files */
    const uint8_t *map; /* the caller's buffer; a file's structure only while it is loaded, then NULL */
    size_t map_len;     /* bytes of the file or buffer */
    bool map_borrowed;  /* map is the caller's buffer: not ours to unmap */
    bool map_partial;   /* map holds the structure only: payloads are read from the file */
    Onnx__ModelProto *proto;
    ol_payload *payloads;
    size_t n_payloads;
    ol_graph *graph;
    ol_function **functions;
    size_t n_functions;
    ol_map function_map; /* "domain\x1fname" -> ol_function */
    ol_exprs exprs;      /* symbolic dims of every shape in the model */
    ol_opset *opsets;
    size_t n_opsets;
    size_t n_graphs; /* main graph, subgraphs and function bodies */
    size_t n_nodes;  /* in all of them */
    size_t diagnostics[3]; /* by onnxlint_severity */
    bool names_redefined;  /* a duplicate-name: which value a read means is not defined, nothing runs it */
    ol_diagnostic *diagnostic_list; /* the first OL_MAX_KEPT_DIAGNOSTICS */
    ol_map diagnostic_seen;         /* code, node and message of each one reported */
    size_t n_diagnostic_list;
    onnxlint_diagnostic_fn on_diagnostic;
    void *diagnostic_ctx;
    struct ol_finding *findings; /* set by the analysis (src/analysis) */
    size_t n_findings, findings_cap;
    struct ol_loss_record *losses; /* the losses it found */
    size_t n_losses, losses_cap;
    bool analyzed;
    int artifact_kind; /* ol_artifact_kind_of's answer + 1; 0 until asked (a pass over every node) */
};

/* The opset version of domain ("" and "ai.onnx" are the same) in the given
 * import list, or 0 when it is not imported. */
int64_t ol_opset_version(const ol_opset *opsets, size_t n, const char *domain);

/* Returns the attribute called name of node, or NULL. */
const Onnx__AttributeProto *ol_node_attribute(const ol_node *node, const char *name);

/* Reads an INT attribute; returns fallback when absent or of another type. */
int64_t ol_node_attribute_int(const ol_node *node, const char *name, int64_t fallback);

/* A node's display name: its name, or "#K" (its index) when unnamed.
 * Writes into buf (len >= 24) and returns it. */
const char *ol_node_display_name(const ol_node *node, char *buf, size_t len);

/* Looks a name up in graph's scope and then in its enclosing scopes. */
ol_value *ol_graph_lookup(const ol_graph *graph, const char *name);

/* Orders graph's nodes so each comes after the producers of what it reads,
 * its subgraphs' outer references included (Kahn's algorithm, keeping the
 * file's order where it is free to).  Fills graph->order (the nodes on a
 * cycle are left out and counted in n_cyclic) and graph->sorted.  forward,
 * when not NULL, marks per node (by index) the ones known to read only
 * what nodes before them make, with no subgraph: their edges are not
 * looked at again to see whether the file's order is already one.  Returns
 * false when the arena refuses memory. */
bool ol_graph_sort(ol_arena *arena, ol_graph *graph, const bool *forward);

/* The type a value has now: inferred if inference set one, else declared;
 * an outer reference answers for the value it refers to. */
const ol_type *ol_value_type(const ol_value *v);

/* True for element types whose values ol_data holds as dims (integers and
 * bool), false for floating-point ones and strings. */
bool ol_elem_is_integral(int32_t elem_type);
bool ol_elem_is_floating(int32_t elem_type);

/* Reads a tensor's values into a new ol_data (the model's arena) when it
 * has at most OL_MAX_PROPAGATED_ELEMENTS numeric elements.  Reads from the
 * mapped file or the external file: this is where weights are read, and
 * only the small ones.  Returns NULL when too large, non-numeric or
 * unreadable. */
ol_data *ol_tensor_read(onnxlint_model *model, const ol_tensor *tensor);

/* Copies len bytes at offset of the model's file (pread: the file is not
 * mapped) or of the caller's buffer into dst.  Returns false when they
 * cannot be read: past the size the model had when it was loaded, or the
 * file has since shrunk or fails to read. */
bool ol_model_read(const onnxlint_model *model, uint64_t offset, size_t len, void *dst);

/* Formats a type for people: "float[N,3,224,224]", "int64[?]" (unknown
 * dim), "float[...]" (unknown rank), "seq(float[N])", "map(string,float)",
 * "optional(int64[])", "?" (nothing declared).  Names are escaped.  Returns
 * buf (truncated to cap). */
char *ol_type_text(const ol_type *type, char *buf, size_t cap);

/* ONNX's lowercase name of an element type ("float", "int64"...), or NULL
 * when the code is not a known element type. */
const char *ol_elem_type_name(int32_t elem_type);

/* Bits one element of the type takes (4 for INT4, 2 for INT2, 0 for STRING or an
 * unknown type). */
unsigned ol_elem_type_bits(int32_t elem_type);

/* Product of dims into *count; returns false on a negative dim or when the
 * product overflows int64. */
bool ol_dims_count(const int64_t *dims, size_t rank, uint64_t *count);

#endif
