/*
 * rules.c - the rule catalog: what each rule means, in the words PyTorch
 * and Keras users know, with a bad and a good example.  `onnxlint explain
 * RULE` prints these; SARIF carries them as tool.driver.rules.
 */
#include <string.h>

#include "analysis/analysis.h"

const ol_rule ol_rules[] = {
    {"label-dtype", ONNXLINT_ERROR, "the labels' element type cannot serve the loss",
     "Class-index losses (SoftmaxCrossEntropyLoss, NegativeLogLikelihoodLoss, Keras'\n"
     "sparse_categorical_crossentropy) take integer class indices; binary and regression\n"
     "losses (BCE, BCE-with-logits, MSE, L1) take floats.\n\n"
     "PyTorch: RuntimeError: expected scalar type Long but found Float\n"
     "         RuntimeError: result type Float can't be cast to the desired output type Long\n\n"
     "Bad:   loss = F.binary_cross_entropy_with_logits(logits, labels)   # labels int64 (N,)\n"
     "Good:  loss = F.binary_cross_entropy_with_logits(logits, F.one_hot(labels, C).float())\n"
     "   or  loss = F.cross_entropy(logits, labels)                       # int64 (N,) indices\n"},
    {"label-rank", ONNXLINT_ERROR, "the labels' rank fits neither class indices nor per-class targets",
     "Class indices have the logits' shape without the class axis: (N,) for (N,C) logits,\n"
     "(N,H,W) for (N,C,H,W).  Probabilities / one-hot targets have the logits' shape.\n"
     "A column of indices (N,1), one-hot labels where indices are expected, or\n"
     "segmentation masks (N,1,H,W) fit neither.\n\n"
     "PyTorch: RuntimeError: 0D or 1D target tensor expected, multi-target not supported\n"
     "Keras:   ValueError: `logits` and `labels` must have the same shape, received ((None, 10) vs (None, 1)).\n\n"
     "Bad:   F.cross_entropy(logits, labels)          # logits (N,10), labels (N,1)\n"
     "Good:  F.cross_entropy(logits, labels.squeeze(1))\n"},
    {"class-count", ONNXLINT_ERROR, "the class dimension differs between logits and labels or loss weights",
     "The number of classes the head produces must equal the number the labels encode\n"
     "(one-hot width, probability width) and the length of the loss's class weights.\n\n"
     "PyTorch: ValueError: Target size (torch.Size([32, 4])) must be the same as input size (torch.Size([32, 5]))\n"
     "         RuntimeError: weight tensor should be defined either for all 5 classes or no classes but got weight tensor of shape: [4]\n\n"
     "Bad:   head = nn.Linear(512, 5); target = F.one_hot(y, num_classes=4).float()\n"
     "Good:  head = nn.Linear(512, 5); target = F.one_hot(y, num_classes=5).float()\n"},
    {"label-range", ONNXLINT_ERROR, "class indices in the labels given lie outside the logits' classes",
     "Class-index losses take labels in [0, C) for C classes (besides ignore_index).  A\n"
     "label of C or more, or a negative one, fails the first batch that holds it: classes\n"
     "numbered from 1, a head one class short, or a padding value that is not ignore_index.\n"
     "It is found in the labels given with --input NAME=FILE (.npy or .pb), for a loss in\n"
     "the graph or a declared one.\n\n"
     "PyTorch: IndexError: Target 10 is out of bounds.\n"
     "Keras:   InvalidArgumentError: Received a label value of 10 which is outside the valid range of [0, 10).  "
     "Label values: 1 10 3\n\n"
     "Bad:   head = nn.Linear(512, 10); labels = torch.tensor([1, 10, 3])   # classes numbered 1..10\n"
     "Good:  labels = labels - 1                                          # classes 0..9\n"},
    {"batch-mismatch", ONNXLINT_ERROR, "batch or spatial dims of logits and labels differ",
     "Logits and labels must agree on the batch dim and on every spatial dim.  A reshape\n"
     "such as view(-1, 512) that folds part of the feature map into the batch changes\n"
     "the logits' batch size silently.  Different symbols that nothing equates are a\n"
     "warning: the model may only work for some input sizes.\n\n"
     "PyTorch: ValueError: Expected input batch_size (64) to match target batch_size (32).\n\n"
     "Bad:   x = x.view(-1, 256)   # x is (N,32,4,4): 512 features each, so the batch becomes 2N\n"
     "Good:  x = x.flatten(1)      # (N, 512): keeps the batch dim\n"},
    {"class-axis", ONNXLINT_ERROR, "the classes sit on the wrong axis for the loss",
     "SoftmaxCrossEntropyLoss and NegativeLogLikelihoodLoss (like PyTorch's cross_entropy)\n"
     "read the classes from axis 1: scores (N,C,d1,...).  Sequence models produce\n"
     "(N,T,C): the loss then treats T as the classes.\n\n"
     "PyTorch: RuntimeError: Expected target size [32, 5], got [32, 20]\n\n"
     "Bad:   F.cross_entropy(logits, labels)                  # logits (N,T,C), labels (N,T)\n"
     "Good:  F.cross_entropy(logits.transpose(1, 2), labels)  # logits (N,C,T)\n"},
    {"probabilities-as-logits", ONNXLINT_WARNING, "probabilities feed a loss that applies its own softmax/sigmoid",
     "SoftmaxCrossEntropyLoss, cross_entropy and BCE-with-logits apply softmax / sigmoid\n"
     "themselves.  Feeding them a Softmax or Sigmoid output squashes the scores twice:\n"
     "the loss can never approach 0 and gradients vanish (\"double softmax\").\n\n"
     "Bad:   return F.softmax(self.fc(x), dim=1)   # then F.cross_entropy(out, y)\n"
     "Good:  return self.fc(x)                     # apply softmax only for inference\n"},
    {"logits-as-probabilities", ONNXLINT_WARNING,
     "raw scores feed a loss that expects probabilities or log-probabilities",
     "BCE (binary_cross_entropy) takes probabilities in (0,1); NLL takes log-probabilities.\n"
     "Raw scores from a Linear layer are unbounded: log() of a negative score is NaN, and\n"
     "NLL of raw scores is unbounded below.\n\n"
     "PyTorch: RuntimeError: all elements of input should be between 0 and 1\n\n"
     "Bad:   F.binary_cross_entropy(self.fc(x), y)       F.nll_loss(self.fc(x), y)\n"
     "Good:  F.binary_cross_entropy_with_logits(self.fc(x), y)\n"
     "       F.nll_loss(F.log_softmax(self.fc(x), dim=1), y)  or  F.cross_entropy(self.fc(x), y)\n"},
    {"broadcast-loss", ONNXLINT_WARNING, "prediction and target of an element-wise loss broadcast silently",
     "An element-wise loss (MSE, L1, BCE) of a (N,1) prediction and a (N,) target\n"
     "broadcasts to (N,N): every prediction is compared with every target and the model\n"
     "learns the mean.\n\n"
     "PyTorch: UserWarning: Using a target size (torch.Size([32])) that is different to the input size (torch.Size([32, 1])).\n\n"
     "Bad:   F.mse_loss(pred, y)               # pred (N,1), y (N,)\n"
     "Good:  F.mse_loss(pred.squeeze(1), y)\n"},
    {"ignore-index", ONNXLINT_NOTE, "ignore_index names a real class",
     "ignore_index excludes every target equal to it from the loss.  When it is a valid\n"
     "class in [0, C), that class is never learned.  The usual padding value is -100.\n\n"
     "Bad:   F.cross_entropy(logits, y, ignore_index=3)   # 5 classes\n"
     "Good:  F.cross_entropy(logits, y, ignore_index=-100)\n"},
    {"shape-error", ONNXLINT_ERROR, "an operator's inputs violate its specification",
     "Inference found inputs that no runtime accepts: MatMul/Gemm inner dims, shapes that\n"
     "do not broadcast, Concat dims, a Reshape that changes the element count, Conv\n"
     "channels against the weight, an index out of range.\n"},
    {"type-error", ONNXLINT_ERROR, "a node does not fit its operator's schema",
     "Wrong number of inputs or outputs, a missing required attribute, an unknown\n"
     "attribute, an attribute of the wrong type, or an element type the operator does\n"
     "not take.\n"},
    {"declared-shape-mismatch", ONNXLINT_ERROR, "a declared shape contradicts inference",
     "The file declares a type or shape (graph output, value_info) that the operators\n"
     "cannot produce.  One of them is wrong; runtimes trust the operators.  Severity\n"
     "follows what breaks: a declared element type that differs is an error (ONNX\n"
     "Runtime refuses the model: \"Type Error: Type (tensor(int64)) of output arg (y)\n"
     "of node () does not match expected type (tensor(float))\"); a graph output whose\n"
     "declared shape differs is a warning (the runtime returns the computed shape, a\n"
     "consumer that sizes buffers from the declaration breaks); a value_info hint\n"
     "whose shape differs is a note (runtimes replace it with the computed shape).\n"},
    {"undefined-value", ONNXLINT_ERROR, "a node reads a value nothing defines", "A node input or graph output names a value that no node, graph input or initializer defines.\n"},
    {"duplicate-name", ONNXLINT_ERROR, "two definitions of one name", "ONNX graphs are in SSA form: every value has exactly one producer.\n"},
    {"not-topological", ONNXLINT_WARNING, "nodes are not in topological order", "ONNX requires each node to come after the producers of its inputs.\n"},
    {"cycle", ONNXLINT_ERROR, "nodes depend on each other in a cycle", "A cycle cannot execute.\n"},
    {"unknown-op", ONNXLINT_ERROR, "an operator that no imported opset defines", "The node's operator does not exist in the opset version the model imports (or is a custom operator, reported as a note).\n"},
    {"opset", ONNXLINT_WARNING, "opset or IR version problems", "A domain used without an opset import (an error: ONNX Runtime refuses the model with\n"
     "\"No opset import for domain\"), an opset version of a domain that does not exist,\n"
     "or an opset or IR version newer than onnxlint knows.\n"},
    {"unused-input", ONNXLINT_WARNING, "a graph input nothing reads", "A graph input that no node consumes: often a label input left over after the loss was removed.\n"},
    {"dead-node", ONNXLINT_NOTE, "a node whose outputs nothing uses", "A node none of whose outputs reaches a graph output.\n"},
    {"unknown-shape", ONNXLINT_NOTE, "shapes feeding the loss could not be inferred", "The loss checks need the shapes of the logits and labels; declare them (value_info, --labels) or fix the unknown dims upstream.\n"},
    {"gradient-shape", ONNXLINT_ERROR, "a gradient or its accumulation buffer differs from its parameter",
     "In an ONNX Runtime training graph each trainable parameter P has a gradient P_grad and\n"
     "a buffer P_grad.accumulation.buffer that InPlaceAccumulatorV2 adds the gradient into;\n"
     "the optimizer then updates P with the buffer.  All three must have P's element type\n"
     "and shape, or the accumulation or the optimizer step fails (or, after broadcasting,\n"
     "updates P with the wrong numbers).\n\n"
     "ONNX Runtime: InPlaceAccumulatorV2: ... shape mismatch (or AdamWOptimizer failing on the\n"
     "parameter's size).\n\n"
     "Bad:   a checkpoint or graph edited by hand so fc.weight is [10,128] but\n"
     "       fc.weight_grad.accumulation.buffer is [10,64]\n"
     "Good:  regenerate training_model.onnx, eval_model.onnx, optimizer_model.onnx and the\n"
     "       checkpoint together with onnxruntime.training.artifacts.generate_artifacts\n"},
    {"missing-gradient", ONNXLINT_ERROR, "a trainable parameter gets no gradient, or a gradient is never accumulated",
     "Every parameter listed in requires_grad must reach the loss (so the gradient graph\n"
     "computes P_grad) and P_grad must feed the InPlaceAccumulatorV2 of P's buffer.  A\n"
     "parameter without a gradient never trains; an accumulator that adds another value\n"
     "updates the parameter with someone else's gradient.\n\n"
     "Bad:   generate_artifacts(model, requires_grad=[\"fc.weight\", \"unused.weight\"], ...)\n"
     "Good:  requires_grad names the parameters the loss depends on; the others go to\n"
     "       frozen_params\n"},
    {"train-eval-mismatch", ONNXLINT_ERROR, "the eval graph's loss, logits or labels differ from the training graph's",
     "`onnxlint check training_model.onnx eval_model.onnx` compares the two graphs ONNX\n"
     "Runtime generated together: the same loss kind, the same logits type and the same\n"
     "labels (name, element type, shape), and the same parameters.  A difference means the\n"
     "files come from different models or export runs, and the evaluation measures another\n"
     "model than the one that trains.\n\n"
     "Good:  write both with one generate_artifacts call and ship them together\n"},
    {"softmax-axis", ONNXLINT_WARNING, "softmax / log_softmax over an axis that is not the classes' before the loss",
     "A softmax over the batch (dim=0) or a spatial axis makes probabilities that sum to\n"
     "1 over the wrong thing.  NLL and cross-entropy read the classes from axis 1 (Keras:\n"
     "the last axis), so the loss trains on numbers that are no class distribution.\n"
     "PyTorch computes it without a word.\n\n"
     "Bad:   F.nll_loss(torch.log(F.softmax(x, dim=0)), y)\n"
     "Good:  F.nll_loss(F.log_softmax(x, dim=1), y)   or  F.cross_entropy(x, y)\n"},
    {"ctc-lengths", ONNXLINT_WARNING, "CTC targets longer than the input sequence",
     "CTC aligns each target sequence to the input's time steps; a target of S labels\n"
     "needs at least S steps (more with repeated labels).  With fewer, no alignment\n"
     "exists and ctc_loss is inf (zero_infinity=False), without a word from PyTorch.\n\n"
     "Bad:   F.ctc_loss(log_probs, targets, ...)   # log_probs (12,N,C), targets (N,13)\n"
     "Good:  downsample the input less (T >= S), or F.ctc_loss(..., zero_infinity=True)\n"},
    {"loss-reduction", ONNXLINT_WARNING, "the loss's reduction does not compute what the loss means",
     "F.kl_div's default reduction='mean' divides the summed divergence by the number of\n"
     "elements (batch size times the support size), not by the batch size: the loss and\n"
     "its gradients are the KL divergence divided by the number of classes.  PyTorch warns.\n\n"
     "PyTorch: UserWarning: reduction: 'mean' divides the total loss by both the batch size\n"
     "         and the support size.'batchmean' divides only by the batch size, ...\n\n"
     "Bad:   F.kl_div(F.log_softmax(student, 1), teacher_probs)\n"
     "Good:  F.kl_div(F.log_softmax(student, 1), teacher_probs, reduction='batchmean')\n"},
    {"run-failed", ONNXLINT_ERROR, "the model fails on sample data of its declared shapes",
     "Confirmation runs the model on seeded data of the shapes it declares.  When that run\n"
     "fails at a node and no other error explains it, the failure is the finding: the\n"
     "model cannot run on inputs it claims to take.  The evidence is the evaluator's\n"
     "message; the why is PyTorch's words where the node is a PyTorch call.\n\n"
     "PyTorch: RuntimeError: shape '[-1, 11]' is invalid for input of size 288\n"
     "         RuntimeError: mat1 and mat2 shapes cannot be multiplied (4x1024 and 256x32)\n\n"
     "Bad:   x = x.view(-1, 11)     # 72 features per sample: only works when N*72 % 11 == 0\n"
     "Good:  x = x.flatten(1)\n"},
    {NULL, 0, NULL, NULL},
};

const ol_rule *ol_rule_find(const char *id)
{
    for (const ol_rule *r = ol_rules; r->id; r++) {
        if (strcmp(r->id, id) == 0)
            return r;
    }
    return NULL;
}
