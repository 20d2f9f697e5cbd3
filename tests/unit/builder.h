/*
 * builder.h - builds small ONNX models in memory for unit tests and writes
 * them to a temporary folder, so tests need neither Python nor fixtures.
 */
#ifndef OL_TEST_BUILDER_H
#define OL_TEST_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "eval/eval.h"
#include "infer/infer.h"
#include "ir/ir.h"
#include "onnx.pb-c.h"

/* A fresh temporary folder (mkdtemp); the caller removes it with
 * tb_rmtree. */
char *tb_tmpdir(void);
void tb_rmtree(const char *dir);

/* Writes len bytes to dir/name; returns the malloc'd path. */
char *tb_write(const char *dir, const char *name, const void *data, size_t len);

/* A ModelProto with one opset import (ai.onnx, version) and an empty graph
 * called "g".  Free with tb_model_free. */
Onnx__ModelProto *tb_model(int64_t opset);
void tb_model_free(Onnx__ModelProto *m);

/* Adds to graph g: an input/output of type elem[dims] (a dim of -2 is the
 * symbol "M", any other negative dim the symbol "N"), a node, an
 * initializer with raw data. */
void tb_input(Onnx__GraphProto *g, const char *name, int elem, size_t rank, const int64_t *dims);
void tb_output(Onnx__GraphProto *g, const char *name, int elem, size_t rank, const int64_t *dims);
Onnx__NodeProto *tb_node(Onnx__GraphProto *g, const char *op, const char *name, const char *in0, const char *in1,
                         const char *out0);
Onnx__TensorProto *tb_initializer(Onnx__GraphProto *g, const char *name, int elem, size_t rank, const int64_t *dims,
                                  const void *raw, size_t raw_len);
/* Adds a GRAPH attribute holding sub (which the node then owns). */
void tb_graph_attribute(Onnx__NodeProto *n, const char *name, Onnx__GraphProto *sub);
Onnx__GraphProto *tb_graph(const char *name);
/* Adds a metadata_props entry, and a device configuration with its
 * pipeline stage (IR 11 and 13 fields of NodeProto). */
void tb_node_metadata(Onnx__NodeProto *n, const char *key, const char *value);
void tb_node_device_configuration(Onnx__NodeProto *n, const char *configuration, int32_t pipeline_stage);

/* Packs m into a malloc'd buffer. */
uint8_t *tb_pack(const Onnx__ModelProto *m, size_t *len);

/* Packs m and writes it to dir/name; returns the malloc'd path. */
char *tb_save(const Onnx__ModelProto *m, const char *dir, const char *name);

/* A run of a model whose inputs are all initializers (kernel tests). */
typedef struct krun {
    char *dir, *path;
    onnxlint_model *model;
    ol_eval eval;
    ol_rvalue *outputs[8];
    bool ok;
} krun;

/* Saves, loads, infers and runs m (then frees m); the outputs stay valid
 * until krun_end. */
void krun_start(krun *r, Onnx__ModelProto *m);
void krun_end(krun *r);
/* Output i of a successful run: a tensor of elem type and the given dims
 * (the test fails otherwise). */
const ol_array *kout(const krun *r, size_t i, int elem, int rank, const int64_t *dims);
/* Runs m and expects it to fail with a message containing needle. */
void expect_run_error(Onnx__ModelProto *m, const char *needle);

#endif

/* Attributes. */
void tb_attr_int(Onnx__NodeProto *n, const char *name, int64_t v);
void tb_attr_float(Onnx__NodeProto *n, const char *name, float v);
void tb_attr_string(Onnx__NodeProto *n, const char *name, const char *v);
void tb_attr_ints(Onnx__NodeProto *n, const char *name, size_t count, const int64_t *v);
/* A node with any number of inputs and outputs (NULL-terminated lists;
 * "" for an omitted optional input). */
Onnx__NodeProto *tb_node_n(Onnx__GraphProto *g, const char *op, const char *name, const char *const *inputs,
                           const char *const *outputs);
/* An int64 initializer with the given values (rank 1). */
void tb_int64s(Onnx__GraphProto *g, const char *name, size_t count, const int64_t *values);

/* Result of tb_infer: the inferred types of the values asked for, as text
 * ("float[N,4]", "?" when unknown), and the error findings. */
typedef struct tb_result {
    char types[8][256];
    int errors;
    char first_error[1024];
    char all_errors[4096];
} tb_result;

/* Saves m in a temporary folder, loads it, infers, and returns the types
 * of the named values (NULL-terminated list, at most 8). */
tb_result tb_infer(const Onnx__ModelProto *m, const char *const *values);
