/*
 * check.c - findings as text for people, JSON for scripts, SARIF 2.1.0 for
 * code scanning, and `explain`.
 *
 * Text (compiler-style, one finding a block):
 *   model.onnx: error[class-count] node '/Mul' (Mul): labels float[N,4] encode ...
 *     logits  '/fc/Gemm_output_0' float[N,5]  from Gemm '/fc/Gemm' (fc.weight [5,16]: 5 classes)
 *     labels  'labels' float[N,4]  graph input
 *     why     PyTorch: ValueError: Target size ...
 *     fix     one-hot encode with num_classes=5 ...
 * JSON (per model): {"model", "findings": [{"rule", "severity", "node",
 *   "message", "values": {ROLE: {"name","dtype","shape","type","note"}},
 *   "fix", "why", "confirmed", "evidence"}], "summary": {"errors",
 *   "warnings", "notes"}}.
 *
 * The report decides nothing: severities, messages and fixes come from
 * the analysis; dropped (superseded) findings are not shown.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "analysis/analysis.h"
#include "infer/infer.h"
#include "report/json.h"
#include "report/writer.h"

static const char *severity_names[] = {"note", "warning", "error"};

onnxlint_status onnxlint_check(onnxlint_model *m, const onnxlint_check_options *options, onnxlint_error *err)
{
    if (!m)
        return ONNXLINT_EINVAL;
    ol_check_options o = {0};
    char why[256];
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
    onnxlint_status st = ol_infer_model(m, NULL, NULL);
    if (!st)
        st = ol_analyze(m, &o);
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

static const char *loss_kind_name(const ol_loss_record *r)
{
    static const char *names[] = {"?", "cross_entropy", "nll", "bce_with_logits", "bce", "mse", "l1",
                                  "sparse_categorical_crossentropy", "categorical_crossentropy", "smooth_l1",
                                  "huber", "kl_div", "ctc"};
    return r->kind < sizeof names / sizeof *names ? names[r->kind] : "?";
}

/* ---- text ---- */

static const char *colour(int color, onnxlint_severity s)
{
    if (!color)
        return "";
    return s == ONNXLINT_ERROR ? "\033[1;31m" : s == ONNXLINT_WARNING ? "\033[1;33m" : "\033[1;36m";
}

static void text_finding(ol_sink *out, const onnxlint_model *m, const ol_finding *f, int color)
{
    const char *reset = color ? "\033[0m" : "", *bold = color ? "\033[1m" : "";
    ol_out_printf(out, "%s", bold);
    ol_out_name(out, m->path);
    ol_out_printf(out, ":%s %s%s[%s]%s", reset, colour(color, f->severity), severity_names[f->severity], f->rule, reset);
    if (f->node) {
        ol_out_bytes(out, " node '", 7);
        ol_out_name(out, f->node);
        ol_out_bytes(out, "'", 1);
        if (f->op_type) {
            ol_out_bytes(out, " (", 2);
            ol_out_name(out, f->op_type);
            ol_out_bytes(out, ")", 1);
        }
    }
    ol_out_bytes(out, ": ", 2);
    ol_out_name(out, f->message);
    ol_out_bytes(out, "\n", 1);
    for (int i = 0; i < f->n_values; i++) {
        const ol_finding_value *v = &f->values[i];
        char type[512];
        ol_dim dims[OL_MAX_RANK];
        ol_type t = v->type;
        if (t.kind == OL_TYPE_TENSOR && t.shape.rank > 0 && t.shape.rank <= OL_MAX_RANK) {
            for (int k = 0; k < t.shape.rank; k++)
                dims[k] = ol_dim_resolve((ol_exprs *)&m->exprs, t.shape.dims[k]);
            t.shape.dims = dims;
        }
        ol_out_printf(out, "  %-10s ", v->role);
        if (v->name) {
            ol_out_bytes(out, "'", 1);
            ol_out_name(out, v->name);
            ol_out_bytes(out, "' ", 2);
        }
        ol_out_printf(out, "%s", ol_type_text(&t, type, sizeof type));
        if (v->note) {
            ol_out_bytes(out, "  ", 2);
            ol_out_name(out, v->note);
        }
        ol_out_bytes(out, "\n", 1);
    }
    if (f->why) {
        ol_out_printf(out, "  %-10s ", "why");
        ol_out_name(out, f->why);
        ol_out_bytes(out, "\n", 1);
    }
    if (f->fix) {
        ol_out_printf(out, "  %-10s ", "fix");
        ol_out_name(out, f->fix);
        ol_out_bytes(out, "\n", 1);
    }
    if (f->evidence) {
        ol_out_printf(out, "  %-10s ", "evidence");
        ol_out_name(out, f->evidence);
        ol_out_bytes(out, "\n", 1);
    }
}

/* ---- JSON ---- */

static json_t *json_finding(const onnxlint_model *m, const ol_finding *f)
{
    json_t *values = json_object();
    for (int i = 0; values && i < f->n_values; i++) {
        const ol_finding_value *v = &f->values[i];
        char type[512];
        ol_type_text(&v->type, type, sizeof type);
        json_object_set_new(values, v->role,
                            json_pack("{s:o, s:o, s:o, s:s, s:o}", "name", ol_json_string(v->name), "dtype",
                                      ol_json_dtype(&v->type), "shape", ol_json_shape((ol_exprs *)&m->exprs, &v->type),
                                      "type", type, "note", ol_json_string(v->note)));
    }
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "rule", f->rule, "severity",
                     severity_names[f->severity], "node", ol_json_string(f->node), "message",
                     ol_json_string(f->message), "values", values ? values : json_object(), "fix",
                     ol_json_string(f->fix), "why", ol_json_string(f->why), "confirmed",
                     f->confirmed < 0 ? json_null() : json_boolean(f->confirmed), "evidence",
                     ol_json_string(f->evidence));
}

static json_t *json_model(const onnxlint_model *m)
{
    json_t *findings = json_array();
    size_t counts[3] = {0};
    for (size_t i = 0; findings && i < m->n_findings; i++) {
        const ol_finding *f = &m->findings[i];
        if (f->dropped)
            continue;
        counts[f->severity]++;
        json_array_append_new(findings, json_finding(m, f));
    }
    json_t *losses = json_array();
    for (size_t l = 0; losses && l < m->n_losses; l++) {
        const ol_loss_record *r = &m->losses[l];
        char idx[32];
        json_array_append_new(losses, json_pack("{s:s, s:o, s:o, s:o, s:o}", "kind", loss_kind_name(r), "node",
                                                r->node ? ol_json_string(ol_node_display_name(r->node, idx, sizeof idx))
                                                        : json_null(),
                                                "logits", ol_json_string(r->logits ? r->logits->name : NULL), "value",
                                                r->ran && r->value == r->value ? json_real(r->value) : json_null(),
                                                "evidence", ol_json_string(r->summary)));
    }
    return json_pack("{s:o, s:o, s:{s:I, s:I, s:I}, s:o}", "model", ol_json_string(m->path), "findings",
                     findings ? findings : json_array(), "summary", "errors", (json_int_t)counts[ONNXLINT_ERROR],
                     "warnings", (json_int_t)counts[ONNXLINT_WARNING], "notes", (json_int_t)counts[ONNXLINT_NOTE],
                     "losses", losses ? losses : json_array());
}

/* ---- SARIF ---- */

/* A URI for a path: a relative reference, or a file:// URI for an
 * absolute path; unreserved bytes and '/' kept, the rest percent-encoded. */
static json_t *uri_of(const char *path)
{
    char buf[4096];
    size_t n = 0;
    if (path[0] == '/')
        n += (size_t)snprintf(buf, sizeof buf, "file://");
    for (const unsigned char *p = (const unsigned char *)path; *p && n + 4 < sizeof buf; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
            buf[n++] = (char)*p;
        else
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%%%02X", *p);
    }
    buf[n] = '\0';
    return json_string(buf);
}

static json_t *sarif_log(onnxlint_model *const *models, size_t n)
{
    json_t *rules = json_array();
    for (const ol_rule *r = ol_rules; rules && r->id; r++) {
        json_array_append_new(
            rules, json_pack("{s:s, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}", "id", r->id, "shortDescription", "text",
                             r->summary, "fullDescription", "text", r->summary, "defaultConfiguration", "level",
                             severity_names[r->severity], "help", "text", r->explanation));
    }
    json_t *artifacts = json_array(), *results = json_array();
    for (size_t k = 0; k < n && artifacts && results; k++) {
        const onnxlint_model *m = models[k];
        json_array_append_new(artifacts, json_pack("{s:{s:o}, s:I, s:s}", "location", "uri", uri_of(m->path), "length",
                                                   (json_int_t)m->map_len, "mimeType", "application/octet-stream"));
        for (size_t i = 0; i < m->n_findings; i++) {
            const ol_finding *f = &m->findings[i];
            if (f->dropped)
                continue;
            int rule_index = 0;
            for (const ol_rule *r = ol_rules; r->id && strcmp(r->id, f->rule) != 0; r++)
                rule_index++;
            char text[4096];
            snprintf(text, sizeof text, "%s%s%s", f->message, f->fix ? " Fix: " : "", f->fix ? f->fix : "");
            /* The model is binary: the finding's region is the whole file. */
            json_t *location = json_pack("{s:{s:{s:o, s:I}, s:{s:I, s:I}}}", "physicalLocation", "artifactLocation",
                                         "uri", uri_of(m->path), "index", (json_int_t)k, "region", "byteOffset",
                                         (json_int_t)0, "byteLength", (json_int_t)m->map_len);
            if (location && f->node)
                json_object_set_new(location, "logicalLocations",
                                    json_pack("[{s:o, s:s}]", "name", ol_json_string(f->node), "kind", "object"));
            json_array_append_new(results, json_pack("{s:s, s:I, s:s, s:{s:o}, s:[o]}", "ruleId", f->rule, "ruleIndex",
                                                     (json_int_t)rule_index, "level", severity_names[f->severity],
                                                     "message", "text", ol_json_string(text), "locations", location));
        }
    }
    return json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:s, s:o}}, s:o, s:o}]}", "$schema",
                     "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs", "tool", "driver",
                     "name", "onnxlint", "version", ONNXLINT_VERSION, "informationUri",
                     "https://onnxlint.invalid/docs", "rules", rules, "artifacts", artifacts, "results", results);
}

onnxlint_status onnxlint_findings_write(onnxlint_model *const *models, size_t n, onnxlint_format format, int color,
                                        onnxlint_write_fn write, void *write_ctx, onnxlint_error *err)
{
    if (!write || (n && !models))
        return ONNXLINT_EINVAL;
    ol_sink out;
    ol_out_init(&out, write, write_ctx);
    if (format == ONNXLINT_FORMAT_TEXT) {
        size_t counts[3] = {0};
        for (size_t k = 0; k < n; k++) {
            for (size_t i = 0; i < models[k]->n_findings; i++) {
                const ol_finding *f = &models[k]->findings[i];
                if (f->dropped)
                    continue;
                counts[f->severity]++;
                text_finding(&out, models[k], f, color);
            }
            for (size_t l = 0; l < models[k]->n_losses; l++) {
                const ol_loss_record *r = &models[k]->losses[l];
                if (!r->summary || r->n_findings)
                    continue;
                ol_out_name(&out, models[k]->path);
                ol_out_printf(&out, ": loss %s", loss_kind_name(r));
                if (r->node) {
                    char idx[32];
                    ol_out_bytes(&out, " at node '", 10);
                    ol_out_name(&out, ol_node_display_name(r->node, idx, sizeof idx));
                    ol_out_bytes(&out, "'", 1);
                }
                ol_out_printf(&out, ": %s\n", r->summary);
            }
        }
        ol_out_printf(&out, "%zu error%s, %zu warning%s, %zu note%s in %zu model%s\n", counts[2],
                      counts[2] == 1 ? "" : "s", counts[1], counts[1] == 1 ? "" : "s", counts[0],
                      counts[0] == 1 ? "" : "s", n, n == 1 ? "" : "s");
    } else {
        json_t *root;
        if (format == ONNXLINT_FORMAT_SARIF) {
            root = sarif_log(models, n);
        } else if (n == 1) {
            root = json_model(models[0]);
        } else {
            root = json_array();
            for (size_t k = 0; root && k < n; k++)
                json_array_append_new(root, json_model(models[k]));
        }
        if (!root) {
            if (err) {
                err->status = ONNXLINT_ENOMEM;
                snprintf(err->message, sizeof err->message, "report: out of memory");
            }
            return ONNXLINT_ENOMEM;
        }
        json_dump_callback(root, ol_json_sink, &out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(root);
        ol_out_bytes(&out, "\n", 1);
    }
    if (!ol_out_flush(&out)) {
        if (err) {
            err->status = ONNXLINT_EWRITE;
            snprintf(err->message, sizeof err->message, "report: write error");
        }
        return ONNXLINT_EWRITE;
    }
    return ONNXLINT_OK;
}

onnxlint_status onnxlint_explain_write(const char *rule, onnxlint_write_fn write, void *write_ctx)
{
    const ol_rule *r = rule ? ol_rule_find(rule) : NULL;
    if (!r || !write)
        return ONNXLINT_EINVAL;
    ol_sink out;
    ol_out_init(&out, write, write_ctx);
    ol_out_printf(&out, "%s (%s): %s\n\n%s", r->id, severity_names[r->severity], r->summary, r->explanation);
    return ol_out_flush(&out) ? ONNXLINT_OK : ONNXLINT_EWRITE;
}
