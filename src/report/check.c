/*
 * check.c - findings as text for people, JSON for scripts, SARIF 2.1.0 for
 * code scanning, and `explain` (src/driver/check.c runs the check).
 *
 * Text (compiler-style, one finding a block):
 *   model.onnx: error[class-count] node '/Mul' (Mul): labels float[N,4] encode ...
 *     logits  '/fc/Gemm_output_0' float[N,5]  from Gemm '/fc/Gemm' (fc.weight [5,16]: 5 classes)
 *     labels  'labels' float[N,4]  graph input
 *     why     PyTorch: ValueError: Target size ...
 *     fix     one-hot encode with num_classes=5 ...
 * JSON: a list with one object per model (JSON Lines: the same objects,
 *   one a line): {"model", "findings": [{"rule", "severity", "node",
 *   "message", "values": {ROLE: {"name","dtype","shape","type","note"}},
 *   "fix", "why", "confirmed", "evidence"}], "summary": {"errors",
 *   "warnings", "notes"}, "losses": [{"kind", "node", "logits", "value",
 *   "evidence"}]}.  Every JSON form is written as it is visited.
 *
 * The report decides nothing: severities, messages and fixes come from
 * the analysis; dropped (superseded) findings are not shown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "report/json.h"
#include "util/writer.h"
#include "util/text.h"

static const char *severity_names[] = {"note", "warning", "error"};

static const char *loss_kind_name(const ol_loss_record *r)
{
    return ol_loss_record_kind(r);
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

/* What was checked in a model: each loss (kind, node, and its value at
 * random init when it ran without a finding), or that none was found, so
 * that an unchecked model never reads as a clean one. */
static void text_checked(ol_sink *out, const onnxlint_model *m)
{
    if (m->n_losses == 0 && ol_artifact_kind_of(m) == OL_ARTIFACT_OPTIMIZER) {
        ol_out_name(out, m->path);
        ol_out_printf(out, ": an optimizer graph: it holds no loss (the training graph beside it does)\n");
        return;
    }
    if (m->n_losses == 0) {
        ol_out_name(out, m->path);
        ol_out_printf(out, ": no loss found: declare it with --loss/--labels or in .onnxlint.yaml\n");
        return;
    }
    for (size_t l = 0; l < m->n_losses; l++) {
        const ol_loss_record *r = &m->losses[l];
        ol_out_name(out, m->path);
        ol_out_printf(out, ": loss %s", loss_kind_name(r));
        if (r->node) {
            char idx[32];
            ol_out_bytes(out, " at node '", 10);
            ol_out_name(out, ol_node_display_name(r->node, idx, sizeof idx));
            ol_out_bytes(out, "'", 1);
        } else {
            ol_out_printf(out, " (declared)");
        }
        size_t shown = 0;
        for (size_t i = r->first_finding; i < r->first_finding + r->n_findings && i < m->n_findings; i++)
            shown += !m->findings[i].dropped;
        if (shown)
            ol_out_printf(out, ": checked, %zu finding%s above\n", shown, shown == 1 ? "" : "s");
        else if (r->summary)
            ol_out_printf(out, ": %s\n", r->summary);
        else
            ol_out_printf(out, ": checked\n");
    }
}

/* ---- JSON ---- */

static void key_string(ol_jw *w, const char *key, const char *s)
{
    ol_jw_key(w, key);
    ol_jw_string(w, s);
}

static void key_int(ol_jw *w, const char *key, long long v)
{
    ol_jw_key(w, key);
    ol_jw_int(w, v);
}

static void json_finding(ol_jw *w, const onnxlint_model *m, const ol_finding *f)
{
    ol_jw_object(w);
    key_string(w, "rule", f->rule);
    key_string(w, "severity", severity_names[f->severity]);
    key_string(w, "node", f->node);
    key_string(w, "message", f->message);
    ol_jw_key(w, "values");
    ol_jw_object(w);
    for (int i = 0; i < f->n_values; i++) {
        const ol_finding_value *v = &f->values[i];
        char type[512];
        ol_jw_key(w, v->role);
        ol_jw_object(w);
        key_string(w, "name", v->name);
        ol_jw_key(w, "dtype");
        ol_jw_dtype(w, &v->type);
        ol_jw_key(w, "shape");
        ol_jw_shape(w, (ol_exprs *)&m->exprs, &v->type);
        key_string(w, "type", ol_type_text(&v->type, type, sizeof type));
        key_string(w, "note", v->note);
        ol_jw_end(w);
    }
    ol_jw_end(w);
    key_string(w, "fix", f->fix);
    key_string(w, "why", f->why);
    ol_jw_key(w, "confirmed");
    if (f->confirmed < 0)
        ol_jw_null(w);
    else
        ol_jw_bool(w, f->confirmed);
    key_string(w, "evidence", f->evidence);
    ol_jw_end(w);
}

/* One model's object of the JSON report. */
static void json_model(ol_jw *w, const onnxlint_model *m)
{
    size_t counts[3] = {0};
    ol_jw_object(w);
    key_string(w, "model", m->path);
    ol_jw_key(w, "findings");
    ol_jw_array(w);
    for (size_t i = 0; i < m->n_findings; i++) {
        const ol_finding *f = &m->findings[i];
        if (f->dropped)
            continue;
        counts[f->severity]++;
        json_finding(w, m, f);
    }
    ol_jw_end(w);
    ol_jw_key(w, "summary");
    ol_jw_object(w);
    key_int(w, "errors", (long long)counts[ONNXLINT_ERROR]);
    key_int(w, "warnings", (long long)counts[ONNXLINT_WARNING]);
    key_int(w, "notes", (long long)counts[ONNXLINT_NOTE]);
    ol_jw_end(w);
    ol_jw_key(w, "losses");
    ol_jw_array(w);
    for (size_t l = 0; l < m->n_losses; l++) {
        const ol_loss_record *r = &m->losses[l];
        char idx[32];
        ol_jw_object(w);
        key_string(w, "kind", loss_kind_name(r));
        key_string(w, "node", r->node ? ol_node_display_name(r->node, idx, sizeof idx) : NULL);
        key_string(w, "logits", r->logits ? r->logits->name : NULL);
        ol_jw_key(w, "value");
        if (r->ran)
            ol_jw_real(w, r->value); /* NaN and infinities: null */
        else
            ol_jw_null(w);
        key_string(w, "evidence", r->summary);
        ol_jw_end(w);
    }
    ol_jw_end(w);
    ol_jw_end(w);
}

/* ---- SARIF ---- */

/* Writes a URI for a path: a relative reference, or a file:// URI for an
 * absolute path; unreserved bytes and '/' kept, the rest percent-encoded. */
static void uri_of(ol_jw *w, const char *path)
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
    ol_jw_string(w, buf);
}

/* An object {key: {"text": text}}. */
static void key_text(ol_jw *w, const char *key, const char *inner, const char *text)
{
    ol_jw_key(w, key);
    ol_jw_object(w);
    key_string(w, inner, text);
    ol_jw_end(w);
}

static void sarif_log(ol_jw *w, onnxlint_model *const *models, size_t n)
{
    ol_jw_object(w);
    key_string(w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    key_string(w, "version", "2.1.0");
    ol_jw_key(w, "runs");
    ol_jw_array(w);
    ol_jw_object(w);
    ol_jw_key(w, "tool");
    ol_jw_object(w);
    ol_jw_key(w, "driver");
    ol_jw_object(w);
    key_string(w, "name", "onnxlint");
    key_string(w, "version", ONNXLINT_VERSION);
    key_string(w, "informationUri", "https://onnxlint.invalid/docs");
    ol_jw_key(w, "rules");
    ol_jw_array(w);
    for (const ol_rule *r = ol_rules; r->id; r++) {
        ol_jw_object(w);
        key_string(w, "id", r->id);
        key_text(w, "shortDescription", "text", r->summary);
        key_text(w, "fullDescription", "text", r->summary);
        key_text(w, "defaultConfiguration", "level", severity_names[r->severity]);
        key_text(w, "help", "text", r->explanation);
        ol_jw_end(w);
    }
    ol_jw_end(w);
    ol_jw_end(w);
    ol_jw_end(w);
    ol_jw_key(w, "artifacts");
    ol_jw_array(w);
    for (size_t k = 0; k < n; k++) {
        ol_jw_object(w);
        ol_jw_key(w, "location");
        ol_jw_object(w);
        ol_jw_key(w, "uri");
        uri_of(w, models[k]->path);
        ol_jw_end(w);
        key_int(w, "length", (long long)models[k]->map_len);
        key_string(w, "mimeType", "application/octet-stream");
        ol_jw_end(w);
    }
    ol_jw_end(w);
    ol_jw_key(w, "results");
    ol_jw_array(w);
    for (size_t k = 0; k < n; k++) {
        const onnxlint_model *m = models[k];
        for (size_t i = 0; i < m->n_findings; i++) {
            const ol_finding *f = &m->findings[i];
            if (f->dropped)
                continue;
            int rule_index = 0;
            for (const ol_rule *r = ol_rules; r->id && strcmp(r->id, f->rule) != 0; r++)
                rule_index++;
            char text[4096];
            snprintf(text, sizeof text, "%s%s%s", f->message, f->fix ? " Fix: " : "", f->fix ? f->fix : "");
            ol_jw_object(w);
            key_string(w, "ruleId", f->rule);
            key_int(w, "ruleIndex", rule_index);
            key_string(w, "level", severity_names[f->severity]);
            key_text(w, "message", "text", text);
            ol_jw_key(w, "locations");
            ol_jw_array(w);
            /* The model is binary: the finding's region is the whole file. */
            ol_jw_object(w);
            ol_jw_key(w, "physicalLocation");
            ol_jw_object(w);
            ol_jw_key(w, "artifactLocation");
            ol_jw_object(w);
            ol_jw_key(w, "uri");
            uri_of(w, m->path);
            key_int(w, "index", (long long)k);
            ol_jw_end(w);
            ol_jw_key(w, "region");
            ol_jw_object(w);
            key_int(w, "byteOffset", 0);
            key_int(w, "byteLength", (long long)m->map_len);
            ol_jw_end(w);
            ol_jw_end(w);
            if (f->node) {
                ol_jw_key(w, "logicalLocations");
                ol_jw_array(w);
                ol_jw_object(w);
                key_string(w, "name", f->node);
                key_string(w, "kind", "object");
                ol_jw_end(w);
                ol_jw_end(w);
            }
            ol_jw_end(w);
            ol_jw_end(w);
            ol_jw_end(w);
        }
    }
    ol_jw_end(w);
    ol_jw_end(w);
    ol_jw_end(w);
    ol_jw_end(w);
}

onnxlint_status onnxlint_findings_write(onnxlint_model *const *models, size_t n, onnxlint_format format, int color,
                                        onnxlint_write_fn write, void *write_ctx, onnxlint_error *err)
{
    if (!write || (n && !models))
        return ONNXLINT_EINVAL;
    ol_sink out;
    ol_out_init(&out, write, write_ctx);
    if (format == ONNXLINT_FORMAT_TEXT) {
        size_t counts[3] = {0}, with_loss = 0, suppressed = 0, baselined = 0;
        for (size_t k = 0; k < n; k++) {
            for (size_t i = 0; i < models[k]->n_findings; i++) {
                const ol_finding *f = &models[k]->findings[i];
                suppressed += f->suppressed;
                baselined += f->baselined;
                if (f->dropped)
                    continue;
                counts[f->severity]++;
                text_finding(&out, models[k], f, color);
            }
            text_checked(&out, models[k]);
            with_loss += models[k]->n_losses > 0;
        }
        ol_out_printf(&out, "%zu error%s, %zu warning%s, %zu note%s in %zu model%s, %zu with a loss checked", counts[2],
                      counts[2] == 1 ? "" : "s", counts[1], counts[1] == 1 ? "" : "s", counts[0],
                      counts[0] == 1 ? "" : "s", n, n == 1 ? "" : "s", with_loss);
        if (suppressed)
            ol_out_printf(&out, "; %zu suppressed by the configuration", suppressed);
        if (baselined)
            ol_out_printf(&out, "; %zu in the baseline", baselined);
        ol_out_bytes(&out, "\n", 1);
    } else if (format == ONNXLINT_FORMAT_JSONL) {
        for (size_t k = 0; k < n; k++) {
            ol_jw w;
            ol_jw_init(&w, &out, false);
            json_model(&w, models[k]);
            ol_out_bytes(&out, "\n", 1);
        }
    } else {
        ol_jw w;
        ol_jw_init(&w, &out, true);
        if (format == ONNXLINT_FORMAT_SARIF) {
            sarif_log(&w, models, n);
        } else {
            ol_jw_array(&w);
            for (size_t k = 0; k < n; k++)
                json_model(&w, models[k]);
            ol_jw_end(&w);
        }
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

const char *onnxlint_rule_suggest(const char *rule)
{
    size_t n = 0;
    while (ol_rules[n].id)
        n++;
    const char **ids = malloc((n + 1) * sizeof *ids);
    if (!ids || !rule) {
        free(ids);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        ids[i] = ol_rules[i].id;
    const char *near = ol_suggest(rule, ids, n);
    free(ids);
    return near;
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
