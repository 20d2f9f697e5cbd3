/*
 * analysis.h - findings, the rule catalog, and the loss/logits/labels
 * analysis behind `onnxlint check`.
 *
 * Pipeline of a check: inference has run (its findings are diagnostics);
 * ol_analyze locates every loss (loss nodes, the op patterns exporters
 * emit for the losses ONNX has no operator for, and the loss the user
 * declared for an inference-only export), traces each loss's logits back
 * to the layer that produced them and its labels back to a graph input,
 * runs the loss rules, and turns the graph diagnostics into findings.
 *
 * Invariant: a loss rule that fires at a node supersedes the generic
 * shape-error/type-error findings inference raised at the same loss nodes
 * (one mistake, one finding, in the user's terms).
 */
#ifndef OL_ANALYSIS_H
#define OL_ANALYSIS_H

#include "ir/ir.h"

typedef struct ol_rule {
    const char *id;
    onnxlint_severity severity;
    const char *summary;     /* one line */
    const char *explanation; /* paragraphs: what, why, the framework error, bad and good examples */
} ol_rule;

/* The catalog, terminated by a NULL id. */
extern const ol_rule ol_rules[];

/* The rule with this id, or NULL. */
const ol_rule *ol_rule_find(const char *id);

/* One value a finding is about. */
typedef struct ol_finding_value {
    const char *role;  /* "logits", "labels", "weight", "prediction", "target"... */
    const char *name;  /* the value's name (raw; escaped when shown) */
    ol_type type;      /* as the loss sees it */
    const char *note;  /* e.g. "from Gemm '/fc/Gemm' (fc.weight [5,16]: 5 classes)" */
} ol_finding_value;

#define OL_MAX_FINDING_VALUES 4

typedef struct ol_finding {
    const char *rule;
    onnxlint_severity severity;
    const char *node;    /* display name, or NULL */
    const char *op_type; /* the node's op, or NULL */
    const char *message; /* one line */
    const char *why;     /* in PyTorch/Keras terms, or NULL */
    const char *fix;     /* the concrete fix, or NULL */
    ol_finding_value values[OL_MAX_FINDING_VALUES];
    int n_values;
    int confirmed; /* -1 not run, 0 no, 1 yes */
    const char *evidence;
    bool dropped; /* superseded by a loss rule, or one of: */
    bool suppressed, baselined; /* dropped by the configuration or a baseline (counted in the summary) */
} ol_finding;

/* Loss kinds (PyTorch names; Keras names map onto them). */
typedef enum ol_loss_kind {
    OL_LOSS_NONE = 0,
    OL_LOSS_CROSS_ENTROPY,
    OL_LOSS_NLL,
    OL_LOSS_BCE_WITH_LOGITS,
    OL_LOSS_BCE,
    OL_LOSS_MSE,
    OL_LOSS_L1,
    OL_LOSS_SPARSE_CATEGORICAL, /* Keras */
    OL_LOSS_CATEGORICAL,        /* Keras */
    OL_LOSS_SMOOTH_L1,
    OL_LOSS_HUBER,
    OL_LOSS_KL_DIV,
    OL_LOSS_CTC                 /* log_probs (T,N,C), targets (N,S) or (N*S,) */
} ol_loss_kind;

/* How a declared loss makes one number of its per-element losses, by
 * PyTorch's names (reduction=...).  Keras' 'sum_over_batch_size' and
 * 'auto' are its default. */
typedef enum ol_reduction {
    OL_REDUCTION_DEFAULT = 0, /* not given: PyTorch's 'mean', Keras' 'sum_over_batch_size' */
    OL_REDUCTION_MEAN,
    OL_REDUCTION_SUM,
    OL_REDUCTION_NONE,        /* per-element losses, reported as their mean */
    OL_REDUCTION_BATCHMEAN,   /* kl_div: the sum over the batch size */
    OL_REDUCTION_IN_GRAPH     /* a loss in the graph: its nodes reduce, nothing to judge */
} ol_reduction;

/* A loss the analysis found, kept for confirmation and the report. */
typedef struct ol_loss_record {
    ol_loss_kind kind;
    bool pattern, declared, keras, from_logits;
    bool exported_with_logits;    /* a BCE pattern that is PyTorch's export of BCEWithLogitsLoss */
    int64_t weight_len, pos_weight_len; /* declared arguments (0: none) */
    bool has_ignore_index;
    int64_t ignore_index;
    double label_smoothing;
    ol_reduction reduction;       /* declared; OL_REDUCTION_IN_GRAPH for a loss in the graph */
    const ol_node *node;          /* the loss node, the pattern's meeting node, or NULL (declared) */
    const ol_value *output;       /* the value holding the loss, NULL when declared */
    const ol_value *logits;
    const ol_value *labels_input; /* the graph input the labels come from, NULL when declared */
    int64_t labels_offset;        /* what the graph adds to its class indices before the loss node */
    bool labels_offset_known;     /* and that is all it does to them (see label_input in loss.c) */
    const char *labels_name;      /* that input's name, or the declared labels' */
    ol_type logits_type, labels_type;
    const ol_node **region;       /* the pattern's nodes (or the loss node) */
    size_t n_region;
    size_t first_finding, n_findings; /* its findings in model->findings */
    /* Set by confirmation: */
    bool ran;                     /* the loss was computed */
    double value;                 /* its value at random init */
    const char *summary;          /* e.g. "1.609 at random init (ln 5 = 1.609)" */
} ol_loss_record;

typedef struct ol_check_options {
    ol_loss_kind loss;          /* declared loss for inference-only models */
    bool from_logits;           /* Keras: the declared loss gets raw logits */
    const char *labels_name;    /* declared labels */
    ol_type labels_type;
    bool has_labels;
    bool dims_shared;           /* --dim/config dims serve many models: an absent symbol is ignored */
    const char *inputs_from;    /* the configuration that gave the inputs, NULL for --input */
    const char *logits_name;    /* NULL: the single output or the classifier head's */
    /* The declared loss's arguments, "--loss KIND(name=value,...)": */
    int64_t weight_len;         /* weight=C: class weights of this length; 0 none */
    int64_t pos_weight_len;     /* pos_weight=P (BCE with logits); 0 none */
    bool has_ignore_index;      /* ignore_index=I */
    int64_t ignore_index;
    double label_smoothing;     /* label_smoothing=E */
    ol_reduction reduction;     /* reduction=mean|sum|none|batchmean */
    bool declared_keras;        /* the declared loss was named the Keras way */
} ol_check_options;

/* Parses a loss kind name (PyTorch or Keras spelling). */
bool ol_loss_kind_parse(const char *name, ol_loss_kind *kind, bool *keras);

/* The kind of a loss as reports name it (cross_entropy, bce_with_logits...). */
const char *ol_loss_record_kind(const ol_loss_record *r);

/* Before the analysis: every --dim names a symbol of the model's inputs (or
 * of the declared labels) with a size above 0, and every --input a graph
 * input or the declared labels, in a file that exists.  After it: a
 * declared loss only on a model that computes none.  False with one line
 * (and a "did you mean" when a name is close) in why. */
bool ol_options_validate(const onnxlint_model *m, const ol_check_options *o, const char *const *dims, size_t n_dims,
                         const char *const *inputs, size_t n_inputs, char *why, size_t cap);
bool ol_options_validate_losses(const onnxlint_model *m, char *why, size_t cap);

/* The loss kind name closest to a misspelt one, or NULL. */
const char *ol_loss_kind_suggest(const char *name);

/* The message of an unknown loss kind: what was given, what might have been
 * meant, and the kinds there are (one line, into buf). */
const char *ol_loss_kind_error(const char *name, char *buf, size_t cap);
/* Parses a declared loss "KIND" or "KIND(name=value,...)" (weight,
 * pos_weight: lengths; ignore_index; label_smoothing; reduction) into the
 * options;
 * false with a reason in why otherwise. */
bool ol_loss_parse(const char *spec, ol_check_options *o, char *why, size_t why_len);

/* Parses "NAME:DTYPE[DIMS]" (dims integers or symbols, "?" unknown) into
 * the options; false with a reason in why otherwise. */
bool ol_labels_parse(onnxlint_model *m, const char *spec, ol_check_options *o, char *why, size_t why_len);

/* Confirmation: run the model on seeded sample data (symbolic dims bound by
 * dims, "NAME=VALUE", or OL_DEFAULT_SAMPLE_DIM) and attach evidence to the
 * loss findings (confirmed, evidence) and a value to each loss record. */
#define OL_DEFAULT_SAMPLE_DIM 4
/* Most iterations one Loop or Scan may run in a confirmation run: a huge
 * trip count gives up early with a note instead of running for minutes. */
#define OL_MAX_CONFIRM_ITERATIONS ((int64_t)100000)

/* Largest size a symbolic dim may be bound to (--dim, a config's dims). */
#define OL_MAX_BOUND_DIM ((int64_t)INT32_MAX)

/* inputs: "NAME=FILE" (.pb TensorProto or .npy) values to use instead of
 * sample data for those graph inputs (the user's real labels, say). */
onnxlint_status ol_confirm(onnxlint_model *m, uint64_t seed, const char *const *dims, size_t n_dims,
                           const char *const *inputs, size_t n_inputs);

/* ---- ONNX Runtime's training artifacts (training.c) ---- */

typedef enum ol_artifact_kind {
    OL_ARTIFACT_NONE = 0,
    OL_ARTIFACT_TRAINING, /* training_model.onnx: forward, loss, gradients, accumulators */
    OL_ARTIFACT_EVAL,     /* eval_model.onnx: forward and loss, parameters as graph inputs */
    OL_ARTIFACT_OPTIMIZER /* optimizer_model.onnx: AdamWOptimizer / SGDOptimizerV2 */
} ol_artifact_kind;

/* What the model is (after inference; the eval graph is told by its loss
 * output's name and parameters among its inputs). */
ol_artifact_kind ol_artifact_kind_of(const onnxlint_model *m);
/* "training graph", "eval graph", "optimizer graph"; NULL for none. */
const char *ol_artifact_kind_name(ol_artifact_kind kind);

/* How a framework initialises a parameter (PyTorch's defaults). */
typedef enum ol_param_init {
    OL_INIT_NONE = 0, /* not a parameter: sample data */
    OL_INIT_UNIFORM,  /* uniform in [-bound, bound], bound = 1/sqrt(fan_in) */
    OL_INIT_ONE,      /* normalisation scale, BatchNorm variance */
    OL_INIT_ZERO,     /* normalisation bias, BatchNorm mean */
    OL_INIT_NORMAL    /* embedding table: N(0, 1) */
} ol_param_init;

/* Whether graph input v is a parameter (a layer's weight or bias, a
 * normalisation's scale/bias/mean/var, an embedding table, or a training
 * graph's input with an accumulation buffer) and how it is initialised;
 * *bound for OL_INIT_UNIFORM. */
ol_param_init ol_parameter_init(const onnxlint_model *m, const ol_value *v, double *bound);

/* Marks (mask[node->index] = 1, mask sized for the main graph's nodes) the
 * forward part: the nodes the losses and the model's own outputs need,
 * never a gradient, accumulator or optimizer node.  Returns their count.
 * Needs ol_analyze to have found the losses. */
size_t ol_forward_nodes(const onnxlint_model *m, uint8_t *mask);

#define OL_MAX_SUMMARY_NAMES 16

typedef struct ol_training_summary_info {
    ol_artifact_kind kind;
    size_t n_parameters, n_trainable, n_gradients, n_accumulators;
    const char *parameters[OL_MAX_SUMMARY_NAMES]; /* the first ones */
    bool has_reset;                               /* lazy_reset_grad input */
    const char *optimizer;                        /* its op type, or NULL */
    const char *losses[4];                        /* the loss outputs */
    size_t n_losses;
    const char *labels[4];                        /* the graph inputs the losses compare with */
    size_t n_labels;
} ol_training_summary_info;

/* What the artifact holds, for inspect. */
void ol_training_summary(const onnxlint_model *m, ol_training_summary_info *info);

/* The training rules (gradient-shape, missing-gradient) on a training
 * graph; part of ol_analyze. */
void ol_training_rules(onnxlint_model *m);

/* Runs the analysis; findings are stored with the model (model->findings).
 * Returns ONNXLINT_ENOMEM on memory failure. */
onnxlint_status ol_analyze(onnxlint_model *m, const ol_check_options *options);

#endif
