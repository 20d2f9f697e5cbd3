/*
 * testdata.h - reading and writing values as files (TensorProto,
 * SequenceProto, OptionalProto .pb files; .npy arrays).
 */
#ifndef OL_TESTDATA_H
#define OL_TESTDATA_H

#include "eval/eval.h"

/* Reads the value in path (a .pb of the kind `type` says, or a .npy
 * array) into the run's arena; NULL with a one-line reason in why. */
ol_rvalue *ol_value_read_file(ol_eval *e, const char *path, const ol_type *type, char *why, size_t why_len);

/* Writes v to path as a TensorProto (raw_data) or SequenceProto /
 * OptionalProto named name (may be NULL); false with the reason in why. */
bool ol_value_write_file(const ol_rvalue *v, const char *name, const char *path, char *why, size_t why_len);

#endif
