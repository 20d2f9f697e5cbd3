/*
 * check.c - `onnxlint check` on one model, start to end: the declared loss
 * and labels parsed and validated against the model, inference, the
 * analysis (losses, loss rules, graph rules, training rules), the declared
 * loss validated against what the analysis found, then confirmation on
 * sample data.  Nothing is decided or formatted here: analysis/ decides,
 * report/ formats (onnxlint_findings_write).
 *
 * Invariant: a usage error returns ONNXLINT_EINVAL with one line in err
 * and runs nothing: a bad --loss, --labels, --dim or --input before
 * inference, a declared loss on a model that computes its own before
 * confirmation.
 */
#include <stdio.h>

#include "analysis/analysis.h"
#include "infer/infer.h"

onnxlint_status onnxlint_check(onnxlint_model *m, const onnxlint_check_options *options, onnxlint_error *err)
{
    if (!m)
        return ONNXLINT_EINVAL;
    ol_check_options o = {0};
    char why[1024];
    o.dims_shared = options && options->dims_shared;
    o.inputs_from = options ? options->inputs_from : NULL;
    if (options && options->loss) {
        if (!ol_loss_parse(options->loss, &o, why, sizeof why)) {
            if (err) {
                err->status = ONNXLINT_EINVAL;
                snprintf(err->message, sizeof err->message, "%s", why);
            }
            return ONNXLINT_EINVAL;
        }
        o.from_logits = options->from_logits != 0;
    }
    if (options && options->labels && !ol_labels_parse(m, options->labels, &o, why, sizeof why)) {
        if (err) {
            err->status = ONNXLINT_EINVAL;
            snprintf(err->message, sizeof err->message, "%s", why);
        }
        return ONNXLINT_EINVAL;
    }
    if (options)
        o.logits_name = options->logits;
    if (o.has_labels && o.loss == OL_LOSS_NONE) {
        if (err) {
            err->status = ONNXLINT_EINVAL;
            snprintf(err->message, sizeof err->message, "--labels needs --loss KIND (which loss reads them?)");
        }
        return ONNXLINT_EINVAL;
    }
    if (options && !ol_options_validate(m, &o, options->dims, options->n_dims, options->inputs, options->n_inputs, why,
                                        sizeof why)) {
        if (err) {
            err->status = ONNXLINT_EINVAL;
            snprintf(err->message, sizeof err->message, "%s", why);
        }
        return ONNXLINT_EINVAL;
    }
    onnxlint_status st = ol_infer_model(m, NULL, NULL);
    if (!st)
        st = ol_analyze(m, &o);
    if (!st && o.loss != OL_LOSS_NONE && !ol_options_validate_losses(m, why, sizeof why)) {
        if (err) {
            err->status = ONNXLINT_EINVAL;
            snprintf(err->message, sizeof err->message, "%s", why);
        }
        return ONNXLINT_EINVAL;
    }
    if (!st && !(options && options->no_confirm))
        st = ol_confirm(m, options ? options->seed : 0, options ? options->dims : NULL, options ? options->n_dims : 0,
                        options ? options->inputs : NULL, options ? options->n_inputs : 0);
    if (st && err) {
        err->status = st;
        snprintf(err->message, sizeof err->message, "check: %s", onnxlint_status_name(st));
    }
    return st;
}

size_t onnxlint_finding_count(const onnxlint_model *m, onnxlint_severity at_least)
{
    size_t n = 0;
    for (size_t i = 0; m && i < m->n_findings; i++)
        n += !m->findings[i].dropped && m->findings[i].severity >= at_least;
    return n;
}
