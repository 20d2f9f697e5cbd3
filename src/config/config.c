/*
 * config.c - the repository configuration (.onnxlint.yaml) and baselines.
 *
 * A config is found by walking up from a model's folder.  It holds, per
 * model glob, the loss and labels of inference-only exports, symbolic dim
 * values for the sample data, rule severities (or "off"), and suppressions
 * of single findings by rule, node and model glob.  libyaml parses it.
 *
 *   models:
 *     - glob: "exports/NAME.onnx"     # a glob (fnmatch) against the path relative to the config's folder
 *       loss: cross_entropy
 *       labels: "labels:int64[N]"
 *       logits: logits                # optional
 *       from_logits: false            # optional (Keras losses)
 *       dims: {N: 8}                  # optional
 *   rules:
 *     ignore-index: off               # or error / warning / note
 *   suppress:
 *     - rule: dead-node
 *       node: "#3"                    # optional: every node
 *       model: "legacy/NAME.onnx"     # optional glob: every model
 *
 * A baseline is the JSON list of findings a gate accepts
 * ([{"model", "rule", "node", "message", "fingerprint"}]); findings in it
 * are dropped.  "model" is the model's resolved path relative to the
 * baseline's folder; "fingerprint" hashes the rule, the node and the
 * values' roles and names, which unrelated edits of the model keep.
 *
 * Invariant: everything a config holds lives in its own arena over the
 * default allocator and dies with onnxlint_config_free.
 */
#include <fnmatch.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "analysis/analysis.h"
#include "report/json.h"
#include "util/writer.h"
#include "util/file.h"

#define OL_CONFIG_NAME ".onnxlint.yaml"
/* Most entries of each list a config may hold. */
#define OL_MAX_CONFIG_ENTRIES 1024
/* Largest configuration file read, and the deepest nesting of flow
 * collections ([ and {) and of indentation in it: libyaml's parse takes
 * time quadratic in the nesting (a 200 KB file of '[' took 22 s), so both
 * are checked before it starts.  A real configuration is a few KB deep
 * 4 levels. */
#define OL_MAX_CONFIG_BYTES ((size_t)1 << 20)
#define OL_MAX_CONFIG_NESTING 32
#define OL_MAX_CONFIG_INDENT 256
/* Most "NAME=VALUE" dims, and "NAME=FILE" inputs, per model entry. */
#define OL_MAX_CONFIG_DIMS 16
#define OL_MAX_CONFIG_INPUTS 16

typedef struct model_entry {
    const char *glob, *loss, *labels, *logits;
    bool from_logits;
    const char *dims[OL_MAX_CONFIG_DIMS];
    size_t n_dims;
    const char *inputs[OL_MAX_CONFIG_INPUTS]; /* "NAME=FILE", the file relative to the config's folder */
    size_t n_inputs;
} model_entry;

typedef struct rule_entry {
    const char *rule;
    int severity; /* -1: off */
} rule_entry;

typedef struct suppression {
    const char *rule, *node, *model;
} suppression;

struct onnxlint_config {
    ol_arena arena;
    const char *path;
    const char *dir; /* the folder model globs are relative to */
    const char *inputs_from; /* "PATH: inputs:", naming its inputs in messages */
    model_entry models[OL_MAX_CONFIG_ENTRIES];
    size_t n_models;
    rule_entry rules[OL_MAX_CONFIG_ENTRIES];
    size_t n_rules;
    suppression suppressions[OL_MAX_CONFIG_ENTRIES];
    size_t n_suppressions;
};

static const char *scalar(yaml_document_t *doc, yaml_node_t *n)
{
    (void)doc;
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static const char *keep(onnxlint_config *c, const char *s)
{
    return s ? ol_arena_strndup(&c->arena, s, strlen(s)) : NULL;
}

static onnxlint_status fail(onnxlint_error *err, const char *path, const char *what)
{
    if (err) {
        err->status = ONNXLINT_EINVAL;
        snprintf(err->message, sizeof err->message, "%s: %s", path, what);
    }
    return ONNXLINT_EINVAL;
}

static int severity_of(const char *s)
{
    if (!s)
        return -2;
    if (strcmp(s, "off") == 0 || strcmp(s, "false") == 0)
        return -1;
    if (strcmp(s, "note") == 0)
        return ONNXLINT_NOTE;
    if (strcmp(s, "warning") == 0)
        return ONNXLINT_WARNING;
    if (strcmp(s, "error") == 0)
        return ONNXLINT_ERROR;
    return -2;
}

static onnxlint_status parse(onnxlint_config *c, yaml_document_t *doc, onnxlint_error *err)
{
    yaml_node_t *root = yaml_document_get_root_node(doc);
    if (!root)
        return ONNXLINT_OK; /* an empty file */
    if (root->type != YAML_MAPPING_NODE)
        return fail(err, c->path, "the top level must be a mapping (models, rules, suppress)");
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        const char *key = scalar(doc, yaml_document_get_node(doc, p->key));
        yaml_node_t *value = yaml_document_get_node(doc, p->value);
        if (!key || !value)
            return fail(err, c->path, "a key that is not a string");
        if (strcmp(key, "models") == 0 || strcmp(key, "suppress") == 0) {
            bool models = key[0] == 'm';
            if (value->type != YAML_SEQUENCE_NODE)
                return fail(err, c->path, models ? "'models' must be a list" : "'suppress' must be a list");
            for (yaml_node_item_t *it = value->data.sequence.items.start; it < value->data.sequence.items.top; it++) {
                yaml_node_t *entry = yaml_document_get_node(doc, *it);
                if (!entry || entry->type != YAML_MAPPING_NODE)
                    return fail(err, c->path, "each entry of 'models' and 'suppress' must be a mapping");
                if ((models ? c->n_models : c->n_suppressions) >= OL_MAX_CONFIG_ENTRIES)
                    return fail(err, c->path, "more than 1024 entries in a list");
                model_entry *m = models ? &c->models[c->n_models++] : NULL;
                suppression *s = models ? NULL : &c->suppressions[c->n_suppressions++];
                for (yaml_node_pair_t *q = entry->data.mapping.pairs.start; q < entry->data.mapping.pairs.top; q++) {
                    const char *k = scalar(doc, yaml_document_get_node(doc, q->key));
                    yaml_node_t *vn = yaml_document_get_node(doc, q->value);
                    const char *v = scalar(doc, vn);
                    if (!k)
                        return fail(err, c->path, "a key that is not a string");
                    if (m && strcmp(k, "dims") == 0 && vn && vn->type == YAML_MAPPING_NODE) {
                        for (yaml_node_pair_t *d = vn->data.mapping.pairs.start; d < vn->data.mapping.pairs.top; d++) {
                            const char *dk = scalar(doc, yaml_document_get_node(doc, d->key));
                            const char *dv = scalar(doc, yaml_document_get_node(doc, d->value));
                            if (!dk || !dv || m->n_dims >= OL_MAX_CONFIG_DIMS)
                                return fail(err, c->path, "'dims' maps symbols to sizes, at most 16");
                            m->dims[m->n_dims++] = ol_arena_printf(&c->arena, "%s=%s", dk, dv);
                        }
                        continue;
                    }
                    if (m && strcmp(k, "inputs") == 0 && vn && vn->type == YAML_MAPPING_NODE) {
                        for (yaml_node_pair_t *d = vn->data.mapping.pairs.start; d < vn->data.mapping.pairs.top; d++) {
                            const char *dk = scalar(doc, yaml_document_get_node(doc, d->key));
                            const char *dv = scalar(doc, yaml_document_get_node(doc, d->value));
                            if (!dk || !dv || !dk[0] || !dv[0] || strchr(dk, '=') || m->n_inputs >= OL_MAX_CONFIG_INPUTS)
                                return fail(err, c->path, "'inputs' maps input names to .npy or .pb files, at most 16");
                            m->inputs[m->n_inputs++] = dv[0] == '/' ? ol_arena_printf(&c->arena, "%s=%s", dk, dv)
                                                                    : ol_arena_printf(&c->arena, "%s=%s/%s", dk, c->dir, dv);
                        }
                        continue;
                    }
                    if (!v)
                        return fail(err, c->path, "entry values must be strings (except dims and inputs)");
                    if (m && strcmp(k, "glob") == 0)
                        m->glob = keep(c, v);
                    else if (m && strcmp(k, "loss") == 0)
                        m->loss = keep(c, v);
                    else if (m && strcmp(k, "labels") == 0)
                        m->labels = keep(c, v);
                    else if (m && strcmp(k, "logits") == 0)
                        m->logits = keep(c, v);
                    else if (m && strcmp(k, "from_logits") == 0)
                        m->from_logits = strcmp(v, "true") == 0 || strcmp(v, "yes") == 0;
                    else if (s && strcmp(k, "rule") == 0)
                        s->rule = keep(c, v);
                    else if (s && strcmp(k, "node") == 0)
                        s->node = keep(c, v);
                    else if (s && strcmp(k, "model") == 0)
                        s->model = keep(c, v);
                    else
                        return fail(err, c->path, ol_arena_printf(&c->arena, "unknown key '%.100s'", k));
                }
                if (m && !m->glob)
                    return fail(err, c->path, "a 'models' entry needs a 'glob'");
                ol_check_options declared = {0};
                char why[512];
                if (m && m->loss && !ol_loss_parse(m->loss, &declared, why, sizeof why)) /* as --loss takes it */
                    return fail(err, c->path, ol_arena_printf(&c->arena, "%s", why));
                if (s && !s->rule)
                    return fail(err, c->path, "a 'suppress' entry needs a 'rule'");
                if (s && !ol_rule_find(s->rule))
                    return fail(err, c->path, ol_arena_printf(&c->arena, "no rule '%.100s' to suppress", s->rule));
            }
        } else if (strcmp(key, "rules") == 0) {
            if (value->type != YAML_MAPPING_NODE)
                return fail(err, c->path, "'rules' must map rule ids to error, warning, note or off");
            for (yaml_node_pair_t *q = value->data.mapping.pairs.start; q < value->data.mapping.pairs.top; q++) {
                const char *k = scalar(doc, yaml_document_get_node(doc, q->key));
                const char *v = scalar(doc, yaml_document_get_node(doc, q->value));
                int sev = severity_of(v);
                if (!k || !ol_rule_find(k))
                    return fail(err, c->path, ol_arena_printf(&c->arena, "no rule '%.100s'", k ? k : "?"));
                if (sev == -2)
                    return fail(err, c->path, "a rule's value is error, warning, note or off");
                if (c->n_rules >= OL_MAX_CONFIG_ENTRIES)
                    return fail(err, c->path, "more than 1024 rules");
                c->rules[c->n_rules++] = (rule_entry){keep(c, k), sev};
            }
        } else {
            return fail(err, c->path, ol_arena_printf(&c->arena, "unknown key '%.100s' (models, rules, suppress)", key));
        }
    }
    return c->arena.failed ? ONNXLINT_ENOMEM : ONNXLINT_OK;
}

/* Why text is nested too deeply for libyaml's parse, or NULL: flow
 * collections deeper than OL_MAX_CONFIG_NESTING (outside quotes and
 * comments), or a line indented more than OL_MAX_CONFIG_INDENT. */
static const char *too_nested(const unsigned char *text, size_t len)
{
    int depth = 0;
    size_t indent = 0;
    bool line_start = true;
    unsigned char quote = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = text[i];
        if (ch == '\n') {
            line_start = true;
            indent = 0;
            continue;
        }
        if (line_start && (ch == ' ' || ch == '-')) {
            if (++indent > OL_MAX_CONFIG_INDENT)
                return "indented more than 256 columns; limit OL_MAX_CONFIG_INDENT";
            continue;
        }
        line_start = false;
        if (quote) {
            if (ch == quote)
                quote = 0;
            else if (ch == '\\' && quote == '"' && i + 1 < len)
                i++;
            continue;
        }
        if ((ch == '"' || ch == '\'') && (i == 0 || strchr(" \t[{,:-\n", text[i - 1]))) {
            quote = ch; /* a quoted scalar starts a token; "don't" does not */
        } else if (ch == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t')) {
            while (i + 1 < len && text[i + 1] != '\n')
                i++;
        } else if (ch == '[' || ch == '{') {
            if (++depth > OL_MAX_CONFIG_NESTING)
                return "collections nested deeper than 32 levels; limit OL_MAX_CONFIG_NESTING";
        } else if ((ch == ']' || ch == '}') && depth > 0) {
            depth--;
        }
    }
    return NULL;
}

onnxlint_status onnxlint_config_load(const char *path, onnxlint_config **out, onnxlint_error *err)
{
    *out = NULL;
    char why[128];
    FILE *f = ol_fopen_regular(path, why, sizeof why);
    if (!f) {
        if (err) {
            err->status = ONNXLINT_EIO;
            snprintf(err->message, sizeof err->message, "%s: cannot open: %s", path, why);
        }
        return ONNXLINT_EIO;
    }
    onnxlint_config *c = calloc(1, sizeof *c);
    if (!c) {
        fclose(f);
        return ONNXLINT_ENOMEM;
    }
    ol_arena_init(&c->arena, NULL, (size_t)64 << 20);
    c->path = keep(c, path);
    c->inputs_from = ol_arena_printf(&c->arena, "%s: inputs:", path);
    const char *slash = strrchr(path, '/');
    c->dir = slash ? ol_arena_strndup(&c->arena, path, (size_t)(slash - path)) : keep(c, ".");
    yaml_parser_t parser;
    yaml_document_t doc;
    onnxlint_status st = ONNXLINT_OK;
    size_t len = 0;
    unsigned char *text = ol_arena_alloc_bytes(&c->arena, OL_MAX_CONFIG_BYTES + 1);
    if (!text) {
        fclose(f);
        onnxlint_config_free(c);
        return ONNXLINT_ENOMEM;
    }
    len = fread(text, 1, OL_MAX_CONFIG_BYTES + 1, f);
    const char *too = len > OL_MAX_CONFIG_BYTES ? "larger than 1 MiB; limit OL_MAX_CONFIG_BYTES"
                                                 : too_nested(text, len);
    if (too) {
        fclose(f);
        st = fail(err, path, ol_arena_printf(&c->arena, "not read: %s", too));
        onnxlint_config_free(c);
        return st;
    }
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        char why[256];
        snprintf(why, sizeof why, "YAML error at line %zu: %s", parser.problem_mark.line + 1,
                 parser.problem ? parser.problem : "?");
        st = fail(err, path, why);
    } else {
        st = parse(c, &doc, err);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    fclose(f);
    if (st) {
        onnxlint_config_free(c);
        return st;
    }
    *out = c;
    return ONNXLINT_OK;
}

void onnxlint_config_free(onnxlint_config *c)
{
    if (!c)
        return;
    ol_arena_destroy(&c->arena);
    free(c);
}

bool onnxlint_config_find(const char *model_path, char *out, size_t cap)
{
    char dir[PATH_MAX];
    if (!realpath(model_path, dir))
        return false;
    for (;;) {
        char *slash = strrchr(dir, '/');
        if (!slash)
            return false;
        *slash = '\0';
        struct stat st;
        if ((size_t)snprintf(out, cap, "%s/%s", dir[0] ? dir : "", OL_CONFIG_NAME) < cap && stat(out, &st) == 0 &&
            S_ISREG(st.st_mode))
            return true;
        /* A repository's root is as far as its configuration goes: a stray
         * .onnxlint.yaml above it (in /tmp, in a home folder) is not the
         * repository's. */
        char repo[PATH_MAX + 8];
        if (!dir[0] || ((size_t)snprintf(repo, sizeof repo, "%s/.git", dir) < sizeof repo && stat(repo, &st) == 0))
            return false;
    }
}

/* The model's path relative to the config's folder (both resolved). */
static const char *relative(const onnxlint_config *c, const char *model_path, char *buf, size_t cap)
{
    char dir[PATH_MAX], model[PATH_MAX];
    if (!realpath(c->dir, dir) || !realpath(model_path, model))
        return model_path;
    size_t n = strlen(dir);
    if (strncmp(model, dir, n) == 0 && model[n] == '/') {
        snprintf(buf, cap, "%s", model + n + 1);
        return buf;
    }
    return model_path;
}

void onnxlint_config_options(const onnxlint_config *c, const char *model_path, onnxlint_check_options *o)
{
    char buf[PATH_MAX];
    const char *rel = relative(c, model_path, buf, sizeof buf);
    for (size_t i = 0; i < c->n_models; i++) {
        const model_entry *m = &c->models[i];
        if (fnmatch(m->glob, rel, FNM_PATHNAME) != 0 && fnmatch(m->glob, rel, 0) != 0)
            continue;
        if (m->loss)
            o->loss = m->loss;
        if (m->labels)
            o->labels = m->labels;
        if (m->logits)
            o->logits = m->logits;
        o->from_logits |= m->from_logits;
        if (m->n_dims) {
            o->dims = m->dims;
            o->n_dims = m->n_dims;
            o->dims_shared = 1; /* a glob's dims serve every model it matches */
        }
        if (m->n_inputs && !(o->n_inputs && !o->inputs_from)) { /* the command line's --input wins */
            o->inputs = m->inputs;
            o->n_inputs = m->n_inputs;
            o->inputs_from = c->inputs_from; /* and a name the model does not read is an error there too */
        }
    }
}

void onnxlint_config_apply(const onnxlint_config *c, onnxlint_model *model)
{
    char buf[PATH_MAX];
    const char *rel = relative(c, model->path, buf, sizeof buf);
    for (size_t i = 0; i < model->n_findings; i++) {
        ol_finding *f = &model->findings[i];
        for (size_t r = 0; r < c->n_rules; r++) {
            if (strcmp(c->rules[r].rule, f->rule) != 0)
                continue;
            if (c->rules[r].severity < 0 && !f->dropped)
                f->dropped = f->suppressed = true;
            else
                f->severity = (onnxlint_severity)c->rules[r].severity;
        }
        for (size_t s = 0; s < c->n_suppressions; s++) {
            const suppression *sp = &c->suppressions[s];
            if (strcmp(sp->rule, f->rule) == 0 && (!sp->node || (f->node && strcmp(sp->node, f->node) == 0)) &&
                (!sp->model || fnmatch(sp->model, rel, 0) == 0) && !f->dropped)
                f->dropped = f->suppressed = true;
        }
    }
}

/* ---- baselines ---- */

/* path's resolved location relative to the resolved folder dir, with
 * "../" where it lies outside; the path itself when either does not
 * resolve (a model loaded from memory). */
static const char *relative_to(const char *dir, const char *path, char *out, size_t cap)
{
    char from[PATH_MAX], to[PATH_MAX];
    if (!realpath(dir, from) || !realpath(path, to)) {
        snprintf(out, cap, "%s", path);
        return out;
    }
    size_t common = 0; /* length of the shared leading folders, at a '/' */
    for (size_t i = 0; from[i] && from[i] == to[i]; i++) {
        if (from[i + 1] == '\0' && (to[i + 1] == '/' || to[i + 1] == '\0'))
            common = i + 1;
        else if (from[i] == '/')
            common = i;
    }
    bool root = strcmp(from, "/") == 0;
    if (root)
        common = 0;
    size_t n = 0;
    out[0] = '\0';
    for (const char *p = from + common; !root && *p && n + 4 < cap; p++) {
        if (*p == '/')
            n += (size_t)snprintf(out + n, cap - n, "../");
    }
    const char *rest = to + common;
    while (*rest == '/')
        rest++;
    snprintf(out + n, cap - n, "%s", rest);
    return out;
}

/* The folder of a file path ("." for a bare name). */
static const char *folder_of(const char *path, char *buf, size_t cap)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (!slash)
        snprintf(buf, cap, ".");
    else if (slash == path)
        snprintf(buf, cap, "/");
    else
        snprintf(buf, cap, "%.*s", (int)(slash - path), path);
    return buf;
}

/* A finding's identity across unrelated edits of its model: FNV-1a over
 * the rule, the node and the roles and names of the values involved (not
 * the message, whose shapes and counts may change). */
static const char *fingerprint(const ol_finding *f, char *buf, size_t cap)
{
    uint64_t h = 1469598103934665603ULL;
    const char *parts[2 + 2 * OL_MAX_FINDING_VALUES];
    size_t n = 0;
    parts[n++] = f->rule;
    parts[n++] = f->node ? f->node : "";
    for (int i = 0; i < f->n_values; i++) {
        parts[n++] = f->values[i].role;
        parts[n++] = f->values[i].name ? f->values[i].name : "";
    }
    for (size_t i = 0; i < n; i++) {
        for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++)
            h = (h ^ *p) * 1099511628211ULL;
        h = (h ^ 0xff) * 1099511628211ULL; /* a separator no name holds */
    }
    snprintf(buf, cap, "%016llx", (unsigned long long)h);
    return buf;
}

onnxlint_status onnxlint_baseline_write_at(const char *baseline_path, onnxlint_model *const *models, size_t n,
                                           onnxlint_write_fn write, void *ctx)
{
    char dir[PATH_MAX], rel[PATH_MAX], fp[32];
    folder_of(baseline_path, dir, sizeof dir);
    json_t *list = json_array();
    for (size_t k = 0; list && k < n; k++) {
        relative_to(dir, models[k]->path, rel, sizeof rel);
        for (size_t i = 0; i < models[k]->n_findings; i++) {
            const ol_finding *f = &models[k]->findings[i];
            if (f->dropped)
                continue;
            json_array_append_new(list, json_pack("{s:o, s:s, s:o, s:o, s:s}", "model", ol_json_string(rel), "rule",
                                                  f->rule, "node", ol_json_string(f->node), "message",
                                                  ol_json_string(f->message), "fingerprint",
                                                  fingerprint(f, fp, sizeof fp)));
        }
    }
    if (!list)
        return ONNXLINT_ENOMEM;
    ol_sink out;
    ol_out_init(&out, write, ctx);
    json_dump_callback(list, ol_json_sink, &out, JSON_INDENT(2));
    ol_out_bytes(&out, "\n", 1);
    json_decref(list);
    return ol_out_flush(&out) ? ONNXLINT_OK : ONNXLINT_EWRITE;
}

onnxlint_status onnxlint_baseline_write(onnxlint_model *const *models, size_t n, onnxlint_write_fn write, void *ctx)
{
    return onnxlint_baseline_write_at(NULL, models, n, write, ctx);
}

/* The same relative path after dropping "./" and empty components. */
static bool same_relative(const char *a, const char *b)
{
    for (;;) {
        while (a[0] == '.' && a[1] == '/')
            a += 2;
        while (b[0] == '.' && b[1] == '/')
            b += 2;
        while (*a == '/')
            a++;
        while (*b == '/')
            b++;
        size_t la = strcspn(a, "/"), lb = strcspn(b, "/");
        if (la != lb || strncmp(a, b, la) != 0)
            return false;
        if (!a[la] || !b[lb])
            return !a[la] && !b[lb];
        a += la;
        b += lb;
    }
}

onnxlint_status onnxlint_baseline_apply(const char *path, onnxlint_model *model, onnxlint_error *err)
{
    json_error_t jerr;
    char why[128];
    FILE *f = ol_fopen_regular(path, why, sizeof why);
    if (!f) {
        if (err) {
            err->status = ONNXLINT_EIO;
            snprintf(err->message, sizeof err->message, "%s: cannot open: %s", path, why);
        }
        return ONNXLINT_EIO;
    }
    json_t *list = json_loadf(f, 0, &jerr);
    fclose(f);
    if (!json_is_array(list)) {
        json_decref(list);
        if (err) {
            err->status = ONNXLINT_EINVAL;
            snprintf(err->message, sizeof err->message, "%s: not a baseline (a JSON list of findings): %s", path,
                     jerr.text);
        }
        return ONNXLINT_EINVAL;
    }
    char dir[PATH_MAX], rel[PATH_MAX], fp[32];
    relative_to(folder_of(path, dir, sizeof dir), model->path, rel, sizeof rel);
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        const char *m = json_string_value(json_object_get(e, "model"));
        const char *rule = json_string_value(json_object_get(e, "rule"));
        const char *node = json_string_value(json_object_get(e, "node"));
        const char *message = json_string_value(json_object_get(e, "message"));
        const char *print = json_string_value(json_object_get(e, "fingerprint"));
        /* Older baselines keyed models by the path as typed. */
        if (!m || !rule || (!message && !print) || (!same_relative(m, rel) && strcmp(m, model->path) != 0))
            continue;
        for (size_t k = 0; k < model->n_findings; k++) {
            ol_finding *f = &model->findings[k];
            bool same = print ? strcmp(print, fingerprint(f, fp, sizeof fp)) == 0
                              : strcmp(f->rule, rule) == 0 && strcmp(f->message, message) == 0 &&
                                    ((!node && !f->node) || (node && f->node && strcmp(node, f->node) == 0));
            if (same && !f->dropped)
                f->dropped = f->baselined = true;
        }
    }
    json_decref(list);
    return ONNXLINT_OK;
}
