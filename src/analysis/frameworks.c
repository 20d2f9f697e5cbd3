/*
 * frameworks.c - PyTorch's and Keras' acceptance rules and their messages.
 *
 * The messages are the table below; the rules are ol_fw_pytorch_loss,
 * which walks a loss call through the checks PyTorch 1.13 makes, in its
 * order, and stops at the first that fails for every size (a raise) or
 * notes the first that fails only for some sizes (a "may raise").  Every
 * PyTorch text was recorded from PyTorch 1.13 (Debian 1.13.0a0) by tests/oracle/gen_oracle.py
 * (the oracle table), and the replay test compares this file's verdicts
 * with it row by row.
 *
 * The Keras texts are tf.keras 2.x's, which calls TensorFlow's own
 * functions: each was checked in the source of the TensorFlow releases its
 * source field names (1.12.0, 2.10.1, 2.12.0).  Keras 3 (the Keras of
 * TensorFlow 2.16 on) words these errors its own way ("Arguments `target`
 * and `output` must have the same shape. Received: ...") and is not in the
 * table.
 *
 * Invariant: a placeholder {name} of a template is filled only from the
 * verdict's arguments; a missing one prints as "?" (never a crash, never a
 * guess).
 */
#include "analysis/frameworks.h"

#include <stdio.h>
#include <string.h>

#include "analysis/findings.h"
#include "util/text.h"

#define PT "PyTorch 1.13 (Debian python3-torch 1.13.0a0, recorded by tests/oracle/gen_oracle.py)"

const ol_fw_message ol_fw_messages[OL_FW_MESSAGE_COUNT] = {
    [OL_FW_PT_PROBABILITIES_DTYPE] =
        {OL_FW_PT_PROBABILITIES_DTYPE, OL_FW_PYTORCH, "RuntimeError",
         "Expected floating point type for target with class probabilities, got {target_dtype}", "label-dtype",
         "labels {target_type} have the logits' shape, so {loss} takes them as class probabilities, which must be "
         "floats",
         "pass int64 class indices {expected_type} (labels.argmax(1)), or float probabilities: labels.float()", PT,
         OL_FW_NONE},
    [OL_FW_PT_TARGET_LONG] =
        {OL_FW_PT_TARGET_LONG, OL_FW_PYTORCH, "RuntimeError", "expected scalar type Long but found {target_dtype}",
         "label-dtype", "labels {target_type} are {target_dtype_word}, but {loss} takes int64 class indices",
         "convert the class indices to int64: labels.long()", PT, OL_FW_NONE},
    [OL_FW_PT_BATCH_SIZE] = {OL_FW_PT_BATCH_SIZE, OL_FW_PYTORCH, "ValueError",
                             "Expected input batch_size ({input_batch}) to match target batch_size ({target_batch}).",
                             "batch-mismatch",
                             "batch dim of labels {target_type} is {target_batch} but the logits' {input_type} is "
                             "{input_batch}",
                             "keep the batch dim through the network (x.flatten(1) or x.view(x.size(0), -1) instead of "
                             "x.view(-1, K)), and shift or flatten logits and labels alike",
                             PT, OL_FW_NONE},
    [OL_FW_PT_MULTI_TARGET] = {OL_FW_PT_MULTI_TARGET, OL_FW_PYTORCH, "RuntimeError",
                               "0D or 1D target tensor expected, multi-target not supported", "label-rank",
                               "labels {target_type} have rank {target_rank}; {loss} takes class indices {expected_type} "
                               "(the logits {input_type} without the class axis)",
                               "pass class indices shaped {expected_shape}: labels.squeeze(1) for a column, "
                               "labels.argmax(1) for one-hot rows",
                               PT, OL_FW_NONE},
    [OL_FW_PT_SIZE_MISMATCH_1D] = {OL_FW_PT_SIZE_MISMATCH_1D, OL_FW_PYTORCH, "RuntimeError",
                                   "size mismatch (got input: {input_list}, target: {target_list})", "batch-mismatch",
                                   "labels {target_type} do not match the unbatched logits {input_type}",
                                   "pass one class index (a 0-d tensor) for unbatched logits", PT, OL_FW_NONE},
    [OL_FW_PT_SPATIAL_TARGET_RANK] =
        {OL_FW_PT_SPATIAL_TARGET_RANK, OL_FW_PYTORCH, "RuntimeError",
         "only batches of spatial targets supported (3D tensors) but got targets of dimension: {target_rank}",
         "label-rank",
         "labels {target_type} have rank {target_rank}; {loss} takes (N,H,W) class-index masks for logits "
         "{input_type}",
         "pass masks shaped {expected_shape}: masks.squeeze(1).long() for (N,1,H,W) masks, masks.argmax(1) for one-hot",
         PT, OL_FW_NONE},
    [OL_FW_PT_SIZE_MISMATCH_2D] = {OL_FW_PT_SIZE_MISMATCH_2D, OL_FW_PYTORCH, "RuntimeError",
                                   "size mismatch (got input: {input_list} , target: {target_list}", "batch-mismatch",
                                   "labels {target_type} do not match the logits {input_type} without the class axis "
                                   "{expected_type}",
                                   "produce labels at the logits' resolution (resize the masks, or upsample the logits "
                                   "to the labels' size)",
                                   PT, OL_FW_NONE},
    [OL_FW_PT_TARGET_SIZE] = {OL_FW_PT_TARGET_SIZE, OL_FW_PYTORCH, "RuntimeError",
                              "Expected target size {expected_list}, got {target_list}", "label-rank",
                              "labels {target_type} do not match the logits {input_type} without the class axis "
                              "{expected_type}",
                              "give the labels the logits' shape without axis 1: {expected_shape}", PT, OL_FW_NONE},
    [OL_FW_PT_WEIGHT_CLASSES] =
        {OL_FW_PT_WEIGHT_CLASSES, OL_FW_PYTORCH, "RuntimeError",
         "weight tensor should be defined either for all {classes} classes or no classes but got weight tensor of "
         "shape: [{weight_len}]",
         "class-count", "the class weights have {weight_len} entries but the logits {input_type} have {classes} classes",
         "give one weight per class: {classes} entries", PT, OL_FW_NONE},
    [OL_FW_PT_WEIGHT_CLASSES_2D] =
        {OL_FW_PT_WEIGHT_CLASSES_2D, OL_FW_PYTORCH, "RuntimeError",
         "weight tensor should be defined either for all or no classes", "class-count",
         "the class weights have {weight_len} entries but the logits {input_type} have {classes} classes",
         "give one weight per class: {classes} entries", PT, OL_FW_NONE},
    [OL_FW_PT_BCE_SIZE] = {OL_FW_PT_BCE_SIZE, OL_FW_PYTORCH, "ValueError",
                           "Using a target size ({target_size}) that is different to the input size ({input_size}) is "
                           "deprecated. Please ensure they have the same size.",
                           "label-rank", "targets {target_type} do not have the prediction's shape {input_type}",
                           "give the targets the prediction's shape {input_shape}", PT,
                           OL_FW_KERAS_LOGITS_LABELS_SHAPE},
    [OL_FW_PT_BCE_DTYPE] = {OL_FW_PT_BCE_DTYPE, OL_FW_PYTORCH, "RuntimeError",
                            "Found dtype {target_dtype} but expected {input_dtype}", "label-dtype",
                            "targets {target_type} are {target_dtype_word}, but {loss} takes targets of the input's "
                            "type",
                            "convert the targets: labels.float()", PT, OL_FW_NONE},
    [OL_FW_PT_BCE_RANGE] = {OL_FW_PT_BCE_RANGE, OL_FW_PYTORCH, "RuntimeError",
                            "all elements of input should be between 0 and 1", "logits-as-probabilities",
                            "{loss} takes probabilities in [0,1], but its input comes straight from {head} (unbounded "
                            "scores)",
                            "use F.binary_cross_entropy_with_logits on the raw scores, or apply torch.sigmoid first",
                            PT, OL_FW_NONE},
    [OL_FW_PT_BCE_LOGITS_SIZE] = {OL_FW_PT_BCE_LOGITS_SIZE, OL_FW_PYTORCH, "ValueError",
                                  "Target size ({target_size}) must be the same as input size ({input_size})",
                                  "label-rank", "targets {target_type} do not have the logits' shape {input_type}",
                                  "give the targets the logits' shape {input_shape}: F.one_hot(labels, C).float() for "
                                  "class indices, or one output unit for a binary label",
                                  PT, OL_FW_KERAS_LOGITS_LABELS_SHAPE},
    [OL_FW_PT_RESULT_TYPE_CAST] = {OL_FW_PT_RESULT_TYPE_CAST, OL_FW_PYTORCH, "RuntimeError",
                                   "result type {input_dtype} can't be cast to the desired output type {target_dtype}",
                                   "label-dtype",
                                   "targets {target_type} are {target_dtype_word}, but {loss} takes float targets",
                                   "convert the targets to float: labels.float() (one-hot encode class indices: "
                                   "F.one_hot(labels, C).float())",
                                   PT, OL_FW_NONE},
    [OL_FW_PT_BROADCAST] = {OL_FW_PT_BROADCAST, OL_FW_PYTORCH, "RuntimeError",
                            "The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton "
                            "dimension {axis}",
                            "label-rank", "prediction {input_type} and target {target_type} of {loss} do not broadcast",
                            "give prediction and target the same shape {input_shape}", PT, OL_FW_NONE},
    [OL_FW_PT_BROADCAST_WARNING] = {OL_FW_PT_BROADCAST_WARNING, OL_FW_PYTORCH, "UserWarning",
                                    "Using a target size ({target_size}) that is different to the input size "
                                    "({input_size}). This will likely lead to incorrect results due to broadcasting. "
                                    "Please ensure they have the same size.",
                                    "broadcast-loss",
                                    "prediction {input_type} and target {target_type} of {loss} have different shapes "
                                    "that broadcast: predictions are compared with the wrong targets",
                                    "give both the same shape {input_shape} (pred.squeeze(1) or target.unsqueeze(1))",
                                    PT, OL_FW_NONE},
    [OL_FW_PT_KL_DIV_INTEGRAL] = {OL_FW_PT_KL_DIV_INTEGRAL, OL_FW_PYTORCH, "RuntimeError",
                                  "kl_div: Integral inputs not supported.", "label-dtype",
                                  "targets {target_type} are {target_dtype_word}, but kl_div takes a float probability "
                                  "distribution",
                                  "pass probabilities: F.one_hot(labels, C).float() or a softmax of teacher scores", PT,
                                  OL_FW_NONE},
    [OL_FW_PT_KL_DIV_MEAN] = {OL_FW_PT_KL_DIV_MEAN, OL_FW_PYTORCH, "UserWarning",
                              "reduction: 'mean' divides the total loss by both the batch size and the support "
                              "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
                              "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
                              "major release.",
                              "loss-reduction",
                              "kl_div with reduction='mean' (its default) divides the summed divergence of "
                              "{input_type} by the support size too, not only by the batch size: the loss is not the "
                              "KL divergence",
                              "pass reduction='batchmean': F.kl_div(log_probs, target, reduction='batchmean')", PT,
                              OL_FW_NONE},
    [OL_FW_PT_OUTPUT_BROADCAST] = {OL_FW_PT_OUTPUT_BROADCAST, OL_FW_PYTORCH, "RuntimeError",
                                   "output with shape {input_list} doesn't match the broadcast shape {broadcast_list}",
                                   "class-count", "pos_weight has {b} entries but the logits {input_type} have {a}",
                                   "give pos_weight one entry per output: {a}", PT, OL_FW_NONE},
    [OL_FW_PT_STRING_TARGET] = {OL_FW_PT_STRING_TARGET, OL_FW_PYTORCH, "TypeError", "new(): invalid data type 'str'",
                                "label-dtype", "labels {target_type} are strings, which no loss can take",
                                "map the strings to class indices (a vocabulary or LabelEncoder), then "
                                "torch.tensor(ids, dtype=torch.long)",
                                PT, OL_FW_NONE},
    [OL_FW_PT_CTC_TARGET_RANK] = {OL_FW_PT_CTC_TARGET_RANK, OL_FW_PYTORCH, "RuntimeError",
                                  "Expected 1 to 2 dimensions, but got {target_rank}-dimensional tensor for argument "
                                  "#2 'targets' (while checking arguments for ctc_loss_cpu)",
                                  "label-rank",
                                  "targets {target_type} have rank {target_rank}; ctc_loss takes padded (N,S) or "
                                  "concatenated (sum of lengths,) targets",
                                  "pass targets as (N,S) (padded) or concatenated into one vector, with target_lengths",
                                  PT, OL_FW_NONE},
    [OL_FW_PT_CTC_TARGET_BATCH] = {OL_FW_PT_CTC_TARGET_BATCH, OL_FW_PYTORCH, "RuntimeError",
                                   "Expected tensor to have size {input_batch} at dimension 0, but got size "
                                   "{target_batch} for argument #2 'targets' (while checking arguments for "
                                   "ctc_loss_cpu)",
                                   "batch-mismatch",
                                   "padded targets {target_type} have {target_batch} rows but the log-probabilities "
                                   "{input_type} have a batch of {input_batch} (axis 1: CTC takes (T,N,C))",
                                   "give one target row per sample; log_probs are (T,N,C): permute (N,T,C) outputs "
                                   "with .permute(1, 0, 2)",
                                   PT, OL_FW_NONE},
    [OL_FW_PT_CTC_TOO_LONG] = {OL_FW_PT_CTC_TOO_LONG, OL_FW_PYTORCH, "UserWarning", "", "ctc-lengths",
                               "targets of length {target_len} cannot be aligned to {input_len} time steps of "
                               "{input_type}: ctc_loss is inf",
                               "give the model more time steps than the longest target (downsample less), or pass "
                               "zero_infinity=True to ignore such samples",
                               PT, OL_FW_NONE},
    [OL_FW_PT_TARGET_OUT_OF_BOUNDS] = {OL_FW_PT_TARGET_OUT_OF_BOUNDS, OL_FW_PYTORCH, "IndexError",
                                       "Target {target} is out of bounds.", "label-range",
                                       "the labels hold {target}, outside the {classes} classes of the logits "
                                       "{input_type}",
                                       "class indices must lie in [0, {classes}) (or equal ignore_index): remap the "
                                       "labels, or give the head one output per class",
                                       PT, OL_FW_NONE},
    [OL_FW_PT_POS_WEIGHT_BROADCAST] = {OL_FW_PT_POS_WEIGHT_BROADCAST, OL_FW_PYTORCH, "RuntimeError",
                                       "The size of tensor a ({a}) must match the size of tensor b ({b}) at "
                                       "non-singleton dimension {axis}",
                                       "class-count",
                                       "pos_weight has {a} entries but the logits {input_type} have {b} outputs",
                                       "give pos_weight one entry per output: {b}", PT, OL_FW_NONE},
    [OL_FW_PT_VIEW] = {OL_FW_PT_VIEW, OL_FW_PYTORCH, "RuntimeError",
                       "shape '{shape}' is invalid for input of size {size}", "shape-error", NULL, NULL, PT,
                       OL_FW_NONE},
    [OL_FW_PT_MATMUL] = {OL_FW_PT_MATMUL, OL_FW_PYTORCH, "RuntimeError",
                         "mat1 and mat2 shapes cannot be multiplied ({a}x{b} and {c}x{d})", "shape-error", NULL, NULL,
                         "PyTorch 1.13 nn.Linear / torch.addmm", OL_FW_NONE},
    [OL_FW_PT_CONV_CHANNELS] = {OL_FW_PT_CONV_CHANNELS, OL_FW_PYTORCH, "RuntimeError",
                                "Given groups={groups}, weight of size {weight}, expected input{input} to have "
                                "{expected} channels, but got {got} channels instead",
                                "shape-error", NULL, NULL, "PyTorch 1.13 nn.Conv2d", OL_FW_NONE},
    [OL_FW_KERAS_LOGITS_LABELS_SHAPE] =
        {OL_FW_KERAS_LOGITS_LABELS_SHAPE, OL_FW_KERAS, "ValueError",
         "`logits` and `labels` must have the same shape, received ({logits} vs {labels}).", "label-rank",
         "labels {target_type} do not have the logits' shape {input_type}, which {loss} needs",
         "give the labels the logits' shape, or use sparse_categorical_crossentropy for integer class indices",
         "TensorFlow 2.10.1 and 2.12.0 tensorflow/python/ops/nn_impl.py sigmoid_cross_entropy_with_logits (which "
         "the v2 function calls), reached from tf.keras 2.6-2.15 keras/backend.py binary_crossentropy with "
         "from_logits=True or on a Sigmoid's output", OL_FW_NONE},
    [OL_FW_KERAS_LOGITS_LABELS_SHAPE_OLD] =
        {OL_FW_KERAS_LOGITS_LABELS_SHAPE_OLD, OL_FW_KERAS, "ValueError",
         "logits and labels must have the same shape ({logits} vs {labels})", "label-rank", NULL, NULL,
         "TensorFlow 1.12.0 tensorflow/python/ops/nn_impl.py sigmoid_cross_entropy_with_logits (TF 1.x prints an "
         "unknown dim as ?, TF 2 as None); the older wording, replaced by OL_FW_KERAS_LOGITS_LABELS_SHAPE's by "
         "TensorFlow 2.10.1 (the releases between were not checked)", OL_FW_NONE},
    [OL_FW_KERAS_INCOMPATIBLE] = {OL_FW_KERAS_INCOMPATIBLE, OL_FW_KERAS, "ValueError",
                                  "Shapes {labels} and {logits} are incompatible", "label-rank",
                                  "labels {target_type} do not have the logits' shape {input_type}, which {loss} needs",
                                  "one-hot encode the labels (keras.utils.to_categorical(y, C)), or use "
                                  "sparse_categorical_crossentropy for integer class indices",
                                  "TensorFlow 1.12.0, 2.10.1 and 2.12.0 (the same words) "
                                  "tensorflow/python/framework/tensor_shape.py TensorShape.assert_is_compatible_with, "
                                  "called by tf.keras 2.6-2.15 keras/backend.py categorical_crossentropy", OL_FW_NONE},
    [OL_FW_KERAS_FROM_LOGITS_ACTIVATION] =
        {OL_FW_KERAS_FROM_LOGITS_ACTIVATION, OL_FW_KERAS, "UserWarning",
         "\"`{fn}` received `from_logits=True`, but the `output` argument was produced by a {op} activation and thus "
         "does not represent logits. Was this intended?",
         "probabilities-as-logits", NULL, NULL,
         "tf.keras 2.10.0, 2.12.0 and 2.15.0 keras/backend.py _get_logits (categorical_crossentropy and "
         "sparse_categorical_crossentropy look for a Softmax, binary_crossentropy for a Sigmoid; in graph mode the "
         "loss is then computed on that activation's input); tf.keras 2.6.0 said 'produced by a sigmoid or softmax "
         "activation' and closed the quote", OL_FW_NONE},
    [OL_FW_KERAS_LABEL_RANGE] = {OL_FW_KERAS_LABEL_RANGE, OL_FW_KERAS, "InvalidArgumentError",
                                 "Received a label value of {target} which is outside the valid range of [0, "
                                 "{classes}).  Label values: {values}",
                                 "label-range",
                                 "the labels hold {target}, outside the {classes} classes of the logits "
                                 "{input_type}",
                                 "class indices must lie in [0, {classes}): remap the labels, or give the head one "
                                 "output per class",
                                 "TensorFlow 2.10.1 and 2.12.0 tensorflow/core/kernels/sparse_xent_op.cc "
                                 "CheckInvalidLabelIndex, at run time on CPU (the least label when one is negative, "
                                 "else the greatest; on GPU the loss is NaN instead): tf.keras 2.6-2.15 "
                                 "sparse_categorical_crossentropy", OL_FW_NONE},
    [OL_FW_KERAS_SPARSE_FIRST_DIM] = {OL_FW_KERAS_SPARSE_FIRST_DIM, OL_FW_KERAS, "InvalidArgumentError",
                                      "logits and labels must have the same first dimension, got logits shape "
                                      "{logits_2d} and labels shape {labels_1d}",
                                      "label-rank", NULL, NULL,
                                      "TensorFlow 2.10.1 and 2.12.0 tensorflow/core/kernels/sparse_xent_op.cc, at run "
                                      "time: tf.keras 2.6-2.15 keras/backend.py sparse_categorical_crossentropy "
                                      "flattens labels whose rank is not the logits' rank - 1 and reshapes the logits "
                                      "to (-1, C)", OL_FW_NONE},
};

const char *ol_fw_torch_dtype(int32_t elem_type)
{
    switch (elem_type) {
    case 1: return "Float";
    case 2: return "Byte";
    case 3: return "Char";
    case 5: return "Short";
    case 6: return "Int";
    case 7: return "Long";
    case 9: return "Bool";
    case 10: return "Half";
    case 11: return "Double";
    case 14: return "ComplexFloat";
    case 15: return "ComplexDouble";
    case 16: return "BFloat16";
    default: return NULL;
    }
}

void ol_fw_arg(ol_fw_verdict *v, const char *key, const char *value)
{
    for (int i = 0; i < v->n_args; i++) {
        if (strcmp(v->keys[i], key) == 0) {
            v->values[i] = value;
            return;
        }
    }
    if (v->n_args < OL_FW_MAX_ARGS) {
        v->keys[v->n_args] = key;
        v->values[v->n_args++] = value;
    }
}

const char *ol_fw_fill(onnxlint_model *m, const char *tmpl, const ol_fw_verdict *v)
{
    if (!tmpl)
        return NULL;
    char out[1536];
    size_t n = 0;
    for (const char *p = tmpl; *p && n < sizeof out - 1;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (!close) {
            out[n++] = *p++;
            continue;
        }
        const char *value = "?";
        size_t len = (size_t)(close - p - 1);
        for (int i = 0; i < v->n_args; i++) {
            if (strlen(v->keys[i]) == len && strncmp(v->keys[i], p + 1, len) == 0 && v->values[i])
                value = v->values[i];
        }
        size_t vl = strlen(value);
        if (vl > sizeof out - 1 - n)
            vl = sizeof out - 1 - n;
        memcpy(out + n, value, vl);
        n += vl;
        p = close + 1;
    }
    out[n] = '\0';
    return ol_finding_printf(m, "%s", out);
}

const char *ol_fw_why(onnxlint_model *m, const ol_fw_verdict *v)
{
    if (v->message <= OL_FW_NONE || v->message >= OL_FW_MESSAGE_COUNT)
        return NULL;
    const ol_fw_message *msg = &ol_fw_messages[v->message];
    if (!msg->text || !msg->text[0]) { /* a silent wrong result: no words to quote, so what goes wrong */
        const char *what = ol_fw_fill(m, msg->summary, v);
        return ol_finding_printf(m, "%s computes it without a word: %s",
                                 msg->framework == OL_FW_KERAS ? "Keras" : "PyTorch", what ? what : "?");
    }
    const char *text = ol_fw_fill(m, msg->text, v);
    return ol_finding_printf(m, "%s: %s: %s", msg->framework == OL_FW_KERAS ? "Keras" : "PyTorch", msg->exception,
                             text ? text : "?");
}

const char *ol_fw_why_twin(onnxlint_model *m, const ol_fw_verdict *v, const ol_type *logits, const ol_type *labels,
                           bool keras_applies)
{
    const char *why = ol_fw_why(m, v);
    if (!why || !keras_applies || v->message <= OL_FW_NONE || v->message >= OL_FW_MESSAGE_COUNT)
        return why;
    ol_fw_message_id twin = ol_fw_messages[v->message].keras_twin;
    if (twin == OL_FW_NONE)
        return why;
    ol_fw_verdict k = {.message = twin};
    ol_fw_arg(&k, "logits", ol_fw_shape(m, logits, OL_FW_KERAS, false, true));
    ol_fw_arg(&k, "labels", ol_fw_shape(m, labels, OL_FW_KERAS, false, true));
    return ol_finding_printf(m, "%s; %s", why, ol_fw_why(m, &k));
}

static const char *dim_text(onnxlint_model *m, ol_dim d)
{
    char buf[256], shown[256];
    ol_dim_text(ol_dim_resolve(&m->exprs, d), buf, sizeof buf);
    ol_escape(shown, sizeof shown, buf, strlen(buf), false);
    const char *s = ol_finding_printf(m, "%s", shown);
    return s ? s : "?";
}

/* Dims as a list: "[4, 10]" (PyTorch), "(None, 10)" (Keras); from..to. */
static const char *dims_list(onnxlint_model *m, const ol_dim *dims, int rank, ol_framework fw, bool keras_none)
{
    char buf[512];
    size_t n = (size_t)snprintf(buf, sizeof buf, "%s", fw == OL_FW_KERAS ? "(" : "[");
    for (int i = 0; i < rank && n < sizeof buf - 64; i++) {
        ol_dim d = ol_dim_resolve(&m->exprs, dims[i]);
        const char *t = keras_none && i == 0 && d.kind != OL_DIM_VALUE ? "None" : dim_text(m, d);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? ", " : "", t);
        if (n >= sizeof buf)
            n = sizeof buf - 1;
    }
    snprintf(buf + n, sizeof buf - n, "%s", fw == OL_FW_KERAS ? (rank == 1 ? ",)" : ")") : "]");
    return ol_finding_printf(m, "%s", buf);
}

const char *ol_fw_shape(onnxlint_model *m, const ol_type *t, ol_framework fw, bool torch_size, bool keras_none)
{
    int rank = t->shape.rank < 0 ? 0 : t->shape.rank;
    const char *list = dims_list(m, t->shape.dims, rank, fw, keras_none);
    if (fw == OL_FW_PYTORCH && torch_size)
        return ol_finding_printf(m, "torch.Size(%s)", list ? list : "?");
    return list;
}

/* ---- PyTorch's rules ---- */

typedef struct judge {
    onnxlint_model *m;
    const ol_fw_call *c;
    ol_fw_verdict *v;
    ol_fw_message_id maybe; /* the first check that fails only for some sizes */
    const char *maybe_a, *maybe_b, *maybe_axis;
} judge;

/* Unknown dims say nothing either way: only two known sizes (values or
 * symbols) can make a raise or a "may raise". */
static ol_dim_order cmp(judge *j, ol_dim a, ol_dim b)
{
    a = ol_dim_resolve(&j->m->exprs, a);
    b = ol_dim_resolve(&j->m->exprs, b);
    if (a.kind == OL_DIM_UNKNOWN || b.kind == OL_DIM_UNKNOWN)
        return OL_DIM_ORDER_EQUAL;
    return ol_dim_compare(&j->m->exprs, a, b);
}

static bool known_one(judge *j, ol_dim d)
{
    d = ol_dim_resolve(&j->m->exprs, d);
    return d.kind == OL_DIM_VALUE && d.value == 1;
}

/* The shapes compared whole: different ranks or one differing dim is
 * DIFFERENT; all dims EQUAL is EQUAL; else UNKNOWN. */
static ol_dim_order shape_cmp(judge *j, const ol_type *x, const ol_type *y)
{
    if (x->shape.rank != y->shape.rank)
        return OL_DIM_ORDER_DIFFERENT;
    ol_dim_order all = OL_DIM_ORDER_EQUAL;
    for (int i = 0; i < x->shape.rank; i++) {
        ol_dim_order o = cmp(j, x->shape.dims[i], y->shape.dims[i]);
        if (o == OL_DIM_ORDER_DIFFERENT)
            return o;
        if (o == OL_DIM_ORDER_UNKNOWN)
            all = o;
    }
    return all;
}

/* Ends the judgement with a raise of message id. */
static void raise_with(judge *j, ol_fw_message_id id)
{
    j->v->outcome = ol_fw_messages[id].exception && strcmp(ol_fw_messages[id].exception, "UserWarning") == 0
                        ? OL_FW_WARNS
                        : OL_FW_RAISES;
    j->v->message = id;
}

/* One check: a DIFFERENT order raises id (true: judgement over); UNKNOWN
 * notes it as a possible raise. */
static bool check(judge *j, ol_dim_order o, ol_fw_message_id id)
{
    if (o == OL_DIM_ORDER_DIFFERENT) {
        raise_with(j, id);
        return true;
    }
    if (o == OL_DIM_ORDER_UNKNOWN && !j->maybe)
        j->maybe = id;
    return false;
}

static bool is_float(int32_t e)
{
    return ol_elem_is_floating(e);
}

static const char *dtype_word(int32_t e)
{
    if (e == 9)
        return "booleans";
    if (e == 8)
        return "strings";
    return is_float(e) ? "floats" : ol_elem_type_name(e) ? ol_elem_type_name(e) : "of another type";
}

static const char *torch_dtype(int32_t e)
{
    const char *t = ol_fw_torch_dtype(e);
    return t ? t : "?";
}

static void common_args(judge *j)
{
    onnxlint_model *m = j->m;
    const ol_type *x = j->c->input, *y = j->c->target;
    ol_fw_verdict *v = j->v;
    ol_fw_arg(v, "input_size", ol_fw_shape(m, x, OL_FW_PYTORCH, true, false));
    ol_fw_arg(v, "target_size", ol_fw_shape(m, y, OL_FW_PYTORCH, true, false));
    ol_fw_arg(v, "input_list", ol_fw_shape(m, x, OL_FW_PYTORCH, false, false));
    ol_fw_arg(v, "target_list", ol_fw_shape(m, y, OL_FW_PYTORCH, false, false));
    ol_fw_arg(v, "target_dtype", torch_dtype(y->elem_type));
    ol_fw_arg(v, "input_dtype", torch_dtype(x->elem_type ? x->elem_type : 1));
    ol_fw_arg(v, "target_dtype_word", dtype_word(y->elem_type));
    ol_fw_arg(v, "target_rank", ol_finding_printf(m, "%d", y->shape.rank));
    if (x->shape.rank >= 1)
        ol_fw_arg(v, "input_batch", dim_text(m, x->shape.dims[0]));
    if (y->shape.rank >= 1)
        ol_fw_arg(v, "target_batch", dim_text(m, y->shape.dims[0]));
    ol_fw_arg(v, "input_shape", ol_fw_shape(m, x, OL_FW_KERAS, false, false));
}

/* The logits' shape without the class axis (axis 1). */
static void expected_args(judge *j)
{
    const ol_type *x = j->c->input;
    ol_dim dims[OL_MAX_RANK];
    int r = 0;
    for (int i = 0; i < x->shape.rank && i < OL_MAX_RANK; i++) {
        if (i != 1 || x->shape.rank == 1)
            dims[r++] = x->shape.dims[i];
    }
    if (x->shape.rank == 1)
        r = 0;
    ol_fw_arg(j->v, "expected_list", dims_list(j->m, dims, r, OL_FW_PYTORCH, false));
    ol_fw_arg(j->v, "expected_shape", dims_list(j->m, dims, r, OL_FW_KERAS, false));
}

/* nll_loss_nd: the class-index path of cross_entropy and nll_loss. */
static void nll_nd(judge *j)
{
    const ol_type *x = j->c->input, *y = j->c->target;
    int rx = x->shape.rank, ry = y->shape.rank;
    int32_t e = y->elem_type;
    int64_t classes = -1;
    ol_dim c = rx >= 2 ? x->shape.dims[1] : rx == 1 ? x->shape.dims[0] : ol_dim_unknown();
    c = ol_dim_resolve(&j->m->exprs, c);
    if (c.kind == OL_DIM_VALUE)
        classes = c.value;
    ol_fw_arg(j->v, "classes", dim_text(j->m, c));
    ol_fw_arg(j->v, "weight_len", ol_finding_printf(j->m, "%lld", (long long)j->c->weight_len));
    if (rx < 1)
        return;
    if (rx != 1 && ry >= 1 && check(j, cmp(j, x->shape.dims[0], y->shape.dims[0]), OL_FW_PT_BATCH_SIZE))
        return;
    bool weight_bad = j->c->weight_len >= 0 && classes >= 0 && j->c->weight_len != classes;
    bool long_target = e == 7 || (e == 2 && rx <= 2); /* nll_loss also takes Byte, nll_loss2d only Long */
    if (rx <= 2) {
        if (ry > 1) {
            raise_with(j, OL_FW_PT_MULTI_TARGET);
            return;
        }
        if (rx == 1 && ry == 1 && check(j, cmp(j, x->shape.dims[0], y->shape.dims[0]), OL_FW_PT_SIZE_MISMATCH_1D))
            return;
        if (weight_bad) {
            raise_with(j, OL_FW_PT_WEIGHT_CLASSES);
            return;
        }
    } else if (rx == 4) {
        if (ry != 3) {
            raise_with(j, OL_FW_PT_SPATIAL_TARGET_RANK);
            return;
        }
        for (int i = 1; i < 3; i++) {
            if (check(j, cmp(j, x->shape.dims[i + 1], y->shape.dims[i]), OL_FW_PT_SIZE_MISMATCH_2D))
                return;
        }
        if (weight_bad) {
            raise_with(j, OL_FW_PT_WEIGHT_CLASSES_2D);
            return;
        }
    } else {
        if (ry != rx - 1) {
            raise_with(j, OL_FW_PT_TARGET_SIZE);
            return;
        }
        for (int i = 1; i < ry; i++) {
            if (check(j, cmp(j, x->shape.dims[i + 1], y->shape.dims[i]), OL_FW_PT_TARGET_SIZE))
                return;
        }
        if (weight_bad) {
            raise_with(j, OL_FW_PT_WEIGHT_CLASSES_2D);
            return;
        }
    }
    if (!long_target)
        raise_with(j, OL_FW_PT_TARGET_LONG);
}

/* torch.broadcast_tensors(a, b): the first dim from the right that
 * differs, with neither side 1. */
static void broadcast(judge *j, const ol_type *a, const ol_type *b)
{
    int ra = a->shape.rank, rb = b->shape.rank, n = ra > rb ? ra : rb;
    for (int i = n - 1; i >= 0; i--) {
        int ia = i - (n - ra), ib = i - (n - rb);
        if (ia < 0 || ib < 0)
            continue;
        ol_dim da = a->shape.dims[ia], db = b->shape.dims[ib];
        if (known_one(j, da) || known_one(j, db))
            continue;
        ol_dim_order o = cmp(j, da, db);
        if (o == OL_DIM_ORDER_EQUAL)
            continue;
        if (o == OL_DIM_ORDER_UNKNOWN && j->maybe)
            continue;
        ol_fw_arg(j->v, "a", dim_text(j->m, da));
        ol_fw_arg(j->v, "b", dim_text(j->m, db));
        ol_fw_arg(j->v, "axis", ol_finding_printf(j->m, "%d", i));
        if (check(j, o, OL_FW_PT_BROADCAST))
            return;
    }
}

void ol_fw_pytorch_loss(onnxlint_model *m, const ol_fw_call *call, ol_fw_verdict *v)
{
    memset(v, 0, sizeof *v);
    judge j = {.m = m, .c = call, .v = v};
    const ol_type *x = call->input, *y = call->target;
    if (x->kind != OL_TYPE_TENSOR || y->kind != OL_TYPE_TENSOR || x->shape.rank < 0 || y->shape.rank < 0)
        return;
    common_args(&j);
    expected_args(&j);
    int32_t e = y->elem_type;
    if (e == 8) { /* torch.tensor(["cat", ...]) fails before any loss */
        raise_with(&j, OL_FW_PT_STRING_TARGET);
        return;
    }
    switch (call->kind) {
    case OL_LOSS_CROSS_ENTROPY: {
        ol_dim_order same = shape_cmp(&j, x, y);
        if (same == OL_DIM_ORDER_EQUAL || (same == OL_DIM_ORDER_UNKNOWN && is_float(e))) {
            /* class probabilities */
            if (!is_float(e))
                raise_with(&j, OL_FW_PT_PROBABILITIES_DTYPE);
            break;
        }
        nll_nd(&j);
        break;
    }
    case OL_LOSS_NLL:
        nll_nd(&j);
        break;
    case OL_LOSS_BCE:
        if (check(&j, shape_cmp(&j, x, y), OL_FW_PT_BCE_SIZE))
            break;
        if (e && e != (x->elem_type ? x->elem_type : 1)) {
            raise_with(&j, OL_FW_PT_BCE_DTYPE);
            break;
        }
        if (call->values == OL_FW_VALUES_RAW)
            raise_with(&j, OL_FW_PT_BCE_RANGE);
        break;
    case OL_LOSS_BCE_WITH_LOGITS:
        if (check(&j, shape_cmp(&j, x, y), OL_FW_PT_BCE_LOGITS_SIZE))
            break;
        if (e && !is_float(e)) {
            raise_with(&j, OL_FW_PT_RESULT_TYPE_CAST);
            break;
        }
        if (call->pos_weight_len > 1 && x->shape.rank >= 1) {
            ol_dim last = ol_dim_resolve(&m->exprs, x->shape.dims[x->shape.rank - 1]);
            ol_fw_arg(v, "a", ol_finding_printf(m, "%lld", (long long)call->pos_weight_len));
            ol_fw_arg(v, "b", dim_text(m, last));
            ol_fw_arg(v, "axis", ol_finding_printf(m, "%d", x->shape.rank - 1));
            if (last.kind == OL_DIM_VALUE && last.value == 1) {
                ol_dim dims[OL_MAX_RANK];
                for (int i = 0; i < x->shape.rank && i < OL_MAX_RANK; i++)
                    dims[i] = x->shape.dims[i];
                dims[x->shape.rank - 1] = ol_dim_value(call->pos_weight_len);
                ol_fw_arg(v, "broadcast_list", dims_list(m, dims, x->shape.rank, OL_FW_PYTORCH, false));
                ol_fw_arg(v, "b", ol_finding_printf(m, "%lld", (long long)call->pos_weight_len));
                ol_fw_arg(v, "a", "1");
                raise_with(&j, OL_FW_PT_OUTPUT_BROADCAST);
            } else {
                check(&j, cmp(&j, ol_dim_value(call->pos_weight_len), last), OL_FW_PT_POS_WEIGHT_BROADCAST);
            }
        }
        break;
    case OL_LOSS_MSE:
    case OL_LOSS_L1:
    case OL_LOSS_SMOOTH_L1:
    case OL_LOSS_HUBER:
        broadcast(&j, x, y);
        if (v->outcome == OL_FW_RAISES)
            break;
        if (shape_cmp(&j, x, y) == OL_DIM_ORDER_DIFFERENT)
            raise_with(&j, OL_FW_PT_BROADCAST_WARNING);
        break;
    case OL_LOSS_CTC: {
        /* log_probs (T,N,C); targets (N,S) or concatenated; every input
         * length T, every target length S */
        int ry = y->shape.rank;
        if (ry < 1 || ry > 2) {
            raise_with(&j, OL_FW_PT_CTC_TARGET_RANK);
            break;
        }
        if (x->shape.rank != 3)
            break;
        ol_fw_arg(v, "input_batch", dim_text(m, x->shape.dims[1]));
        if (ry == 2 && check(&j, cmp(&j, x->shape.dims[1], y->shape.dims[0]), OL_FW_PT_CTC_TARGET_BATCH))
            break;
        ol_dim s_len = ry == 2 ? y->shape.dims[1] : ol_dim_div_exact(&m->exprs, y->shape.dims[0], x->shape.dims[1]);
        ol_dim t_len = ol_dim_resolve(&m->exprs, x->shape.dims[0]);
        s_len = ol_dim_resolve(&m->exprs, s_len);
        if (s_len.kind == OL_DIM_VALUE && t_len.kind == OL_DIM_VALUE && s_len.value > t_len.value) {
            ol_fw_arg(v, "target_len", dim_text(m, s_len));
            ol_fw_arg(v, "input_len", dim_text(m, t_len));
            raise_with(&j, OL_FW_PT_CTC_TOO_LONG); /* a silent inf: a warning */
        }
        break;
    }
    case OL_LOSS_KL_DIV:
        if (e && !is_float(e)) {
            raise_with(&j, OL_FW_PT_KL_DIV_INTEGRAL);
            break;
        }
        broadcast(&j, y, x); /* kl_div's kernel reads (target, input) */
        /* F.kl_div warns before it computes: reduction='mean', its default */
        if (v->outcome == OL_FW_ACCEPTS &&
            (call->reduction == OL_REDUCTION_DEFAULT || call->reduction == OL_REDUCTION_MEAN))
            raise_with(&j, OL_FW_PT_KL_DIV_MEAN);
        break;
    default:
        break;
    }
    if ((v->outcome == OL_FW_ACCEPTS || v->outcome == OL_FW_WARNS) && j.maybe) {
        /* a raise for some sizes says more than a warning for all */
        v->outcome = OL_FW_MAY_RAISE;
        v->message = j.maybe;
    }
}

/* ---- layers: the words of nn.Linear, nn.Conv2d and view() ---- */

static const char *product_text(onnxlint_model *m, const ol_dim *dims, int from, int to)
{
    ol_dim p = ol_dim_value(1);
    for (int i = from; i < to; i++)
        p = ol_dim_mul(&m->exprs, p, dims[i]);
    return dim_text(m, p);
}

const char *ol_fw_layer_why(onnxlint_model *m, const ol_node *node, const ol_type *a, const ol_type *b,
                            const ol_type *shape_values)
{
    if (!node || !a || a->kind != OL_TYPE_TENSOR || a->shape.rank < 1)
        return NULL;
    ol_fw_verdict v = {0};
    int ra = a->shape.rank;
    bool is_gemm = strcmp(node->op_type, "Gemm") == 0, is_matmul = strcmp(node->op_type, "MatMul") == 0;
    if ((is_gemm || is_matmul) && b && b->kind == OL_TYPE_TENSOR && b->shape.rank == 2 && ra >= 2) {
        bool trans_a = is_gemm && ol_node_attribute_int(node, "transA", 0) != 0;
        bool trans_b = is_gemm && ol_node_attribute_int(node, "transB", 0) != 0;
        if (trans_a && ra != 2)
            return NULL;
        ol_dim inner_a = a->shape.dims[trans_a ? 0 : ra - 1], inner_b = b->shape.dims[trans_b ? 1 : 0];
        if (ol_dim_compare(&m->exprs, inner_a, inner_b) != OL_DIM_ORDER_DIFFERENT)
            return NULL; /* some other shape problem: not nn.Linear's words */
        v.message = OL_FW_PT_MATMUL;
        /* mat1 as F.linear sees it: the leading dims flattened */
        ol_fw_arg(&v, "a", trans_a ? dim_text(m, a->shape.dims[1]) : product_text(m, a->shape.dims, 0, ra - 1));
        ol_fw_arg(&v, "b", dim_text(m, a->shape.dims[trans_a ? 0 : ra - 1]));
        ol_fw_arg(&v, "c", dim_text(m, b->shape.dims[trans_b ? 1 : 0]));
        ol_fw_arg(&v, "d", dim_text(m, b->shape.dims[trans_b ? 0 : 1]));
        return ol_fw_why(m, &v);
    }
    if (strcmp(node->op_type, "Conv") == 0 && b && b->kind == OL_TYPE_TENSOR && b->shape.rank == ra && ra >= 3) {
        int64_t groups = ol_node_attribute_int(node, "group", 1);
        ol_dim expected = ol_dim_mul(&m->exprs, b->shape.dims[1], ol_dim_value(groups));
        if (ol_dim_compare(&m->exprs, expected, a->shape.dims[1]) != OL_DIM_ORDER_DIFFERENT)
            return NULL;
        v.message = OL_FW_PT_CONV_CHANNELS;
        ol_fw_arg(&v, "groups", ol_finding_printf(m, "%lld", (long long)groups));
        ol_fw_arg(&v, "weight", ol_fw_shape(m, b, OL_FW_PYTORCH, false, false));
        ol_fw_arg(&v, "input", ol_fw_shape(m, a, OL_FW_PYTORCH, false, false));
        ol_fw_arg(&v, "expected", dim_text(m, expected));
        ol_fw_arg(&v, "got", dim_text(m, a->shape.dims[1]));
        return ol_fw_why(m, &v);
    }
    if (strcmp(node->op_type, "Reshape") == 0 && shape_values && shape_values->shape.rank >= 0) {
        v.message = OL_FW_PT_VIEW;
        ol_fw_arg(&v, "shape", ol_fw_shape(m, shape_values, OL_FW_PYTORCH, false, false));
        ol_fw_arg(&v, "size", product_text(m, a->shape.dims, 0, ra));
        return ol_fw_why(m, &v);
    }
    return NULL;
}
