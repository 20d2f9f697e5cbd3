/*
 * families.c - the operator families searched by ol_infer_find.
 */
#include "ops/families.h"

const ol_family *const ol_families[] = {
    &ol_family_math,     &ol_family_nn,        &ol_family_tensor,   &ol_family_reduction,
    &ol_family_logical,  &ol_family_controlflow, &ol_family_sequence, &ol_family_quantization,
    &ol_family_rnn,      &ol_family_generator, &ol_family_misc,     &ol_family_tensor_index, &ol_family_attention, &ol_family_contrib, NULL,
};
