/*
 * expr.c - canonical symbolic expressions (see expr.h).
 *
 * Work happens on a stack `poly` (constant + terms); `finish` normalises it
 * (sorts atoms and terms, combines like terms, drops zeros), builds a key
 * from the atoms' keys, and interns the result.  Atoms are interned too, so
 * within a pool atom pointers identify atoms.
 */
#include "ir/expr.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ol_atom {
    const char *key;      /* "s:NAME" or "f:EXPRKEY/DEN" */
    const char *text;     /* "N" or "floor((H-1)/2)" */
    const char *name;     /* symbol atoms */
    const ol_expr *num;   /* floor atoms: floor(num / den) */
    int64_t den;
    int nesting;
};

typedef struct term {
    int64_t coeff;
    int n;
    const ol_atom *atoms[OL_EXPR_MAX_DEGREE];
} term;

struct ol_expr {
    int64_t constant;
    int n_terms;
    int nesting;
    const char *key;
    const char *text;
    term terms[];
};

/* Room for the products of two full expressions before combining. */
#define POLY_CAP (OL_EXPR_MAX_TERMS * OL_EXPR_MAX_TERMS + OL_EXPR_MAX_TERMS)

typedef struct poly {
    int64_t constant;
    int n;
    bool bad; /* overflow, too large, or unknown input */
    term terms[POLY_CAP];
} poly;

void ol_exprs_init(ol_exprs *pool, ol_arena *arena)
{
    memset(pool, 0, sizeof *pool);
    pool->arena = arena;
}

static bool add_overflows(int64_t a, int64_t b, int64_t *r)
{
    return __builtin_add_overflow(a, b, r);
}

static bool mul_overflows(int64_t a, int64_t b, int64_t *r)
{
    return __builtin_mul_overflow(a, b, r);
}

/* ---- interning ---- */

static const ol_atom *atom_intern(ol_exprs *pool, const char *key, const char *text, const char *name,
                                  const ol_expr *num, int64_t den)
{
    const ol_atom *a = ol_map_get(&pool->atoms, key);
    if (a)
        return a;
    ol_atom *n = ol_arena_calloc(pool->arena, 1, sizeof *n);
    if (!n)
        return NULL;
    n->key = ol_arena_strndup(pool->arena, key, strlen(key));
    n->text = ol_arena_strndup(pool->arena, text, strlen(text));
    n->name = name ? ol_arena_strndup(pool->arena, name, strlen(name)) : NULL;
    n->num = num;
    n->den = den;
    n->nesting = num ? num->nesting + 1 : 0;
    if (!n->key || !n->text || (name && !n->name) || !ol_map_put(&pool->atoms, pool->arena, n->key, n))
        return NULL;
    return n;
}

static int atom_cmp(const void *x, const void *y)
{
    const ol_atom *a = *(const ol_atom *const *)x, *b = *(const ol_atom *const *)y;
    int c = strcmp(a->text, b->text);
    return c ? c : strcmp(a->key, b->key);
}

static int term_cmp(const void *x, const void *y)
{
    const term *a = x, *b = y;
    for (int i = 0; i < a->n && i < b->n; i++) {
        int c = atom_cmp(&a->atoms[i], &b->atoms[i]);
        if (c)
            return c;
    }
    return a->n - b->n;
}

static bool same_atoms(const term *a, const term *b)
{
    if (a->n != b->n)
        return false;
    for (int i = 0; i < a->n; i++) {
        if (a->atoms[i] != b->atoms[i])
            return false;
    }
    return true;
}

/* Appends s to buf[*len..cap); false when it does not fit. */
static bool append(char *buf, size_t cap, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (*len + n + 1 > cap)
        return false;
    memcpy(buf + *len, s, n + 1);
    *len += n;
    return true;
}

#define KEY_CAP 1024

/* Normalises p and returns the dim it denotes. */
static ol_dim finish(ol_exprs *pool, poly *p)
{
    if (p->bad)
        return ol_dim_unknown();
    for (int i = 0; i < p->n; i++)
        qsort(p->terms[i].atoms, (size_t)p->terms[i].n, sizeof p->terms[i].atoms[0], atom_cmp);
    qsort(p->terms, (size_t)p->n, sizeof p->terms[0], term_cmp);
    int out = 0;
    for (int i = 0; i < p->n; i++) {
        if (out && same_atoms(&p->terms[out - 1], &p->terms[i])) {
            if (add_overflows(p->terms[out - 1].coeff, p->terms[i].coeff, &p->terms[out - 1].coeff))
                return ol_dim_unknown();
        } else {
            p->terms[out++] = p->terms[i];
        }
    }
    int kept = 0;
    for (int i = 0; i < out; i++) {
        if (p->terms[i].coeff)
            p->terms[kept++] = p->terms[i];
    }
    out = kept;
    p->n = out;
    if (p->n == 0)
        return ol_dim_value(p->constant);
    if (p->n > OL_EXPR_MAX_TERMS)
        return ol_dim_unknown();

    char key[KEY_CAP], text[KEY_CAP], num[32];
    size_t klen = 0, tlen = 0;
    key[0] = text[0] = '\0';
    int nesting = 0;
    for (int i = 0; i < p->n; i++) {
        const term *t = &p->terms[i];
        snprintf(num, sizeof num, "%lld*", (long long)t->coeff);
        if (!append(key, sizeof key, &klen, i ? ";" : "") || !append(key, sizeof key, &klen, num))
            return ol_dim_unknown();
        for (int k = 0; k < t->n; k++) {
            if (!append(key, sizeof key, &klen, k ? "*" : "") || !append(key, sizeof key, &klen, t->atoms[k]->key))
                return ol_dim_unknown();
            if (t->atoms[k]->nesting > nesting)
                nesting = t->atoms[k]->nesting;
        }
    }
    /* The text reads naturally: the added terms first, then the subtracted
     * ones (N*T-N, not -N+N*T), each group in the canonical order. */
    bool first = true, positive = false, constant_first = false;
    for (int i = 0; i < p->n; i++)
        positive |= p->terms[i].coeff > 0;
    if (!positive && p->constant > 0) { /* 3-N, not -N+3 */
        snprintf(num, sizeof num, "%lld", (long long)p->constant);
        if (!append(text, sizeof text, &tlen, num))
            return ol_dim_unknown();
        first = false;
        constant_first = true;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < p->n; i++) {
            const term *t = &p->terms[i];
            if ((t->coeff < 0) != (pass == 1))
                continue;
            if (t->coeff < 0 && !append(text, sizeof text, &tlen, "-"))
                return ol_dim_unknown();
            if (t->coeff > 0 && !first && !append(text, sizeof text, &tlen, "+"))
                return ol_dim_unknown();
            first = false;
            if (t->coeff != 1 && t->coeff != -1) {
                snprintf(num, sizeof num, "%lld*", t->coeff < 0 ? -(long long)t->coeff : (long long)t->coeff);
                if (!append(text, sizeof text, &tlen, num))
                    return ol_dim_unknown();
            }
            for (int k = 0; k < t->n; k++) {
                if (!append(text, sizeof text, &tlen, k ? "*" : "") ||
                    !append(text, sizeof text, &tlen, t->atoms[k]->text))
                    return ol_dim_unknown();
            }
        }
    }
    snprintf(num, sizeof num, "%+lld", (long long)p->constant);
    if (!append(key, sizeof key, &klen, ";") || !append(key, sizeof key, &klen, num))
        return ol_dim_unknown();
    if (p->constant && !constant_first && !append(text, sizeof text, &tlen, num))
        return ol_dim_unknown();

    const ol_expr *e = ol_map_get(&pool->exprs, key);
    if (!e) {
        ol_expr *n = ol_arena_alloc(pool->arena, sizeof *n + (size_t)p->n * sizeof n->terms[0]);
        if (!n)
            return ol_dim_unknown();
        n->constant = p->constant;
        n->n_terms = p->n;
        n->nesting = nesting;
        memcpy(n->terms, p->terms, (size_t)p->n * sizeof n->terms[0]);
        n->key = ol_arena_strndup(pool->arena, key, klen);
        n->text = ol_arena_strndup(pool->arena, text, tlen);
        if (!n->key || !n->text || !ol_map_put(&pool->exprs, pool->arena, n->key, n))
            return ol_dim_unknown();
        e = n;
    }
    ol_dim d = {OL_DIM_SYMBOL, 0, e, e->text};
    return d;
}

/* Loads a dim into a poly; marks it bad when unknown. */
static void load(poly *p, ol_dim d)
{
    memset(p, 0, offsetof(poly, terms));
    if (d.kind == OL_DIM_VALUE) {
        p->constant = d.value;
    } else if (d.kind == OL_DIM_SYMBOL && d.expr) {
        p->constant = d.expr->constant;
        p->n = d.expr->n_terms;
        memcpy(p->terms, d.expr->terms, (size_t)p->n * sizeof p->terms[0]);
    } else {
        p->bad = true;
    }
}

ol_dim ol_dim_named(ol_exprs *pool, const char *name)
{
    char key[KEY_CAP];
    if (snprintf(key, sizeof key, "s:%s", name) >= (int)sizeof key)
        return ol_dim_unknown();
    const ol_atom *a = atom_intern(pool, key, name, name, NULL, 0);
    if (!a)
        return ol_dim_unknown();
    poly p = {0};
    p.n = 1;
    p.terms[0].coeff = 1;
    p.terms[0].n = 1;
    p.terms[0].atoms[0] = a;
    return finish(pool, &p);
}

ol_dim ol_dim_fresh(ol_exprs *pool, unsigned *next)
{
    char name[32], key[40];
    for (; *next < UINT_MAX; (*next)++) {
        snprintf(name, sizeof name, "unk__%u", *next);
        snprintf(key, sizeof key, "s:%s", name);
        if (!ol_map_get(&pool->atoms, key)) {
            (*next)++;
            return ol_dim_named(pool, name);
        }
    }
    return ol_dim_unknown();
}

/* ---- arithmetic ---- */

static ol_dim add_scaled(ol_exprs *pool, ol_dim a, ol_dim b, int64_t sign)
{
    if (a.kind == OL_DIM_VALUE && b.kind == OL_DIM_VALUE) {
        int64_t r, s;
        if (mul_overflows(b.value, sign, &s) || add_overflows(a.value, s, &r))
            return ol_dim_unknown();
        return ol_dim_value(r);
    }
    poly p, q;
    load(&p, a);
    load(&q, b);
    if (p.bad || q.bad)
        return ol_dim_unknown();
    int64_t s;
    if (mul_overflows(q.constant, sign, &s) || add_overflows(p.constant, s, &p.constant))
        return ol_dim_unknown();
    for (int i = 0; i < q.n; i++) {
        term t = q.terms[i];
        if (mul_overflows(t.coeff, sign, &t.coeff))
            return ol_dim_unknown();
        p.terms[p.n++] = t;
    }
    return finish(pool, &p);
}

ol_dim ol_dim_add(ol_exprs *pool, ol_dim a, ol_dim b)
{
    return add_scaled(pool, a, b, 1);
}

ol_dim ol_dim_sub(ol_exprs *pool, ol_dim a, ol_dim b)
{
    return add_scaled(pool, a, b, -1);
}

ol_dim ol_dim_add_const(ol_exprs *pool, ol_dim a, int64_t k)
{
    return add_scaled(pool, a, ol_dim_value(k), 1);
}

ol_dim ol_dim_mul(ol_exprs *pool, ol_dim a, ol_dim b)
{
    if (a.kind == OL_DIM_VALUE && b.kind == OL_DIM_VALUE) {
        int64_t r;
        return mul_overflows(a.value, b.value, &r) ? ol_dim_unknown() : ol_dim_value(r);
    }
    /* Zero times anything known is zero; times unknown stays unknown. */
    if ((a.kind == OL_DIM_VALUE && a.value == 0 && b.kind != OL_DIM_UNKNOWN) ||
        (b.kind == OL_DIM_VALUE && b.value == 0 && a.kind != OL_DIM_UNKNOWN))
        return ol_dim_value(0);
    poly p, q, r;
    load(&p, a);
    load(&q, b);
    if (p.bad || q.bad)
        return ol_dim_unknown();
    memset(&r, 0, offsetof(poly, terms));
    if (mul_overflows(p.constant, q.constant, &r.constant))
        return ol_dim_unknown();
    /* (c1 + Σ t1) * (c2 + Σ t2) */
    for (int side = 0; side < 2; side++) {
        const poly *x = side ? &q : &p;
        int64_t c = side ? p.constant : q.constant;
        for (int i = 0; c && i < x->n; i++) {
            term t = x->terms[i];
            if (mul_overflows(t.coeff, c, &t.coeff))
                return ol_dim_unknown();
            r.terms[r.n++] = t;
        }
    }
    for (int i = 0; i < p.n; i++) {
        for (int k = 0; k < q.n; k++) {
            term t;
            if (p.terms[i].n + q.terms[k].n > OL_EXPR_MAX_DEGREE || r.n >= POLY_CAP ||
                mul_overflows(p.terms[i].coeff, q.terms[k].coeff, &t.coeff))
                return ol_dim_unknown();
            t.n = 0;
            for (int j = 0; j < p.terms[i].n; j++)
                t.atoms[t.n++] = p.terms[i].atoms[j];
            for (int j = 0; j < q.terms[k].n; j++)
                t.atoms[t.n++] = q.terms[k].atoms[j];
            r.terms[r.n++] = t;
        }
    }
    return finish(pool, &r);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

ol_dim ol_dim_floordiv(ol_exprs *pool, ol_dim a, ol_dim b)
{
    if (b.kind != OL_DIM_VALUE || b.value <= 0 || a.kind == OL_DIM_UNKNOWN) {
        /* a symbolic divisor: only exact division of equal dims. */
        if (a.kind == OL_DIM_SYMBOL && b.kind == OL_DIM_SYMBOL && a.expr == b.expr)
            return ol_dim_value(1);
        return ol_dim_unknown();
    }
    int64_t k = b.value;
    if (a.kind == OL_DIM_VALUE)
        return ol_dim_value(floor_div(a.value, k));
    if (k == 1)
        return a;
    /* a = k*q + r with 0 <= r's coefficients < k: floor(a/k) = q + floor(r/k). */
    poly p, whole, rest;
    load(&p, a);
    memset(&whole, 0, offsetof(poly, terms));
    memset(&rest, 0, offsetof(poly, terms));
    whole.constant = floor_div(p.constant, k);
    rest.constant = p.constant - whole.constant * k;
    for (int i = 0; i < p.n; i++) {
        term t = p.terms[i];
        int64_t q = floor_div(t.coeff, k);
        int64_t r = t.coeff - q * k;
        if (q) {
            whole.terms[whole.n] = t;
            whole.terms[whole.n++].coeff = q;
        }
        if (r) {
            rest.terms[rest.n] = t;
            rest.terms[rest.n++].coeff = r;
        }
    }
    ol_dim whole_dim = finish(pool, &whole);
    if (rest.n == 0) /* rest is a constant in [0, k): floor is 0 */
        return whole_dim;
    /* floor((floor(e/m) + c) / k) = floor((e + c*m) / (m*k)) for integer e. */
    if (rest.n == 1 && rest.terms[0].coeff == 1 && rest.terms[0].n == 1 && rest.terms[0].atoms[0]->num) {
        const ol_atom *inner = rest.terms[0].atoms[0];
        int64_t mk, cm;
        ol_dim num = {OL_DIM_SYMBOL, 0, inner->num, inner->num->text};
        if (!mul_overflows(inner->den, k, &mk) && !mul_overflows(rest.constant, inner->den, &cm))
            return ol_dim_add(pool, whole_dim,
                              ol_dim_floordiv(pool, ol_dim_add_const(pool, num, cm), ol_dim_value(mk)));
    }
    ol_dim rest_dim = finish(pool, &rest);
    if (rest_dim.kind != OL_DIM_SYMBOL || rest_dim.expr->nesting >= OL_EXPR_MAX_NESTING)
        return ol_dim_unknown();
    char key[KEY_CAP], text[KEY_CAP];
    bool simple = rest_dim.expr->n_terms == 1 && rest_dim.expr->constant == 0 && rest_dim.expr->terms[0].n == 1 &&
                  rest_dim.expr->terms[0].coeff == 1;
    if (snprintf(key, sizeof key, "f:(%s)/%lld", rest_dim.expr->key, (long long)k) >= (int)sizeof key ||
        snprintf(text, sizeof text, simple ? "floor(%s/%lld)" : "floor((%s)/%lld)", rest_dim.expr->text,
                 (long long)k) >= (int)sizeof text)
        return ol_dim_unknown();
    const ol_atom *atom = atom_intern(pool, key, text, NULL, rest_dim.expr, k);
    if (!atom)
        return ol_dim_unknown();
    poly f = {0};
    f.n = 1;
    f.terms[0].coeff = 1;
    f.terms[0].n = 1;
    f.terms[0].atoms[0] = atom;
    return ol_dim_add(pool, whole_dim, finish(pool, &f));
}

ol_dim ol_dim_ceildiv(ol_exprs *pool, ol_dim a, ol_dim b)
{
    if (b.kind != OL_DIM_VALUE || b.value <= 0)
        return ol_dim_floordiv(pool, a, b);
    return ol_dim_floordiv(pool, ol_dim_add_const(pool, a, b.value - 1), b);
}

ol_dim ol_dim_mod(ol_exprs *pool, ol_dim a, ol_dim b)
{
    if (b.kind != OL_DIM_VALUE || b.value <= 0)
        return ol_dim_unknown();
    if (a.kind == OL_DIM_VALUE)
        return ol_dim_value(a.value - floor_div(a.value, b.value) * b.value);
    return ol_dim_sub(pool, a, ol_dim_mul(pool, b, ol_dim_floordiv(pool, a, b)));
}

ol_dim ol_dim_div_exact(ol_exprs *pool, ol_dim a, ol_dim b)
{
    if (b.kind == OL_DIM_VALUE) {
        if (b.value == 0 || a.kind == OL_DIM_UNKNOWN)
            return ol_dim_unknown();
        if (b.value == -1 && ((a.kind == OL_DIM_VALUE && a.value == INT64_MIN) || a.kind == OL_DIM_SYMBOL))
            return a.kind == OL_DIM_VALUE ? ol_dim_unknown() : ol_dim_mul(pool, a, b); /* INT64_MIN / -1 overflows */
        if (a.kind == OL_DIM_VALUE)
            return a.value % b.value == 0 ? ol_dim_value(a.value / b.value) : ol_dim_unknown();
    }
    poly p, q;
    load(&p, a);
    load(&q, b);
    if (p.bad || q.bad)
        return ol_dim_unknown();
    if (q.n == 0) { /* a constant divisor */
        if (p.constant % q.constant)
            return ol_dim_unknown();
        p.constant /= q.constant;
        for (int i = 0; i < p.n; i++) {
            if (p.terms[i].coeff % q.constant)
                return ol_dim_unknown();
            p.terms[i].coeff /= q.constant;
        }
        return finish(pool, &p);
    }
    if (q.n != 1 || q.constant != 0 || p.constant != 0)
        return ol_dim_unknown();
    const term *d = &q.terms[0];
    for (int i = 0; i < p.n; i++) {
        term *t = &p.terms[i];
        if (t->coeff % d->coeff)
            return ol_dim_unknown();
        t->coeff /= d->coeff;
        for (int k = 0; k < d->n; k++) {
            int j = 0;
            while (j < t->n && t->atoms[j] != d->atoms[k])
                j++;
            if (j == t->n)
                return ol_dim_unknown();
            t->atoms[j] = t->atoms[--t->n];
        }
        if (t->n == 0) { /* the term became a constant */
            if (add_overflows(p.constant, t->coeff, &p.constant))
                return ol_dim_unknown();
            p.terms[i--] = p.terms[--p.n];
        }
    }
    return finish(pool, &p);
}

/* ---- unification ---- */

static const ol_dim *binding(ol_exprs *pool, const char *name)
{
    return pool->bindings.count ? ol_map_get(&pool->bindings, name) : NULL;
}

static ol_dim resolve_expr(ol_exprs *pool, const ol_expr *e, int depth);

static ol_dim resolve_atom(ol_exprs *pool, const ol_atom *a, int depth)
{
    if (a->name) {
        const ol_dim *b = binding(pool, a->name);
        if (b)
            return *b; /* bindings hold resolved dims */
        return ol_dim_named(pool, a->name);
    }
    return ol_dim_floordiv(pool, resolve_expr(pool, a->num, depth + 1), ol_dim_value(a->den));
}

static ol_dim resolve_expr(ol_exprs *pool, const ol_expr *e, int depth)
{
    if (depth > OL_EXPR_MAX_NESTING + 1)
        return ol_dim_unknown();
    ol_dim sum = ol_dim_value(e->constant);
    for (int i = 0; i < e->n_terms; i++) {
        ol_dim prod = ol_dim_value(e->terms[i].coeff);
        for (int k = 0; k < e->terms[i].n; k++)
            prod = ol_dim_mul(pool, prod, resolve_atom(pool, e->terms[i].atoms[k], depth));
        sum = ol_dim_add(pool, sum, prod);
    }
    return sum;
}

ol_dim ol_dim_resolve(ol_exprs *pool, ol_dim d)
{
    if (d.kind != OL_DIM_SYMBOL || !pool->bindings.count)
        return d;
    return resolve_expr(pool, d.expr, 0);
}

static bool eval_expr(const ol_expr *e, ol_symbol_value_fn value_of, void *ctx, int depth, int64_t *out);

static bool eval_atom(const ol_atom *a, ol_symbol_value_fn value_of, void *ctx, int depth, int64_t *out)
{
    if (a->name)
        return value_of(ctx, a->name, out);
    int64_t num;
    if (depth > OL_EXPR_MAX_NESTING + 1 || a->den <= 0 || !eval_expr(a->num, value_of, ctx, depth + 1, &num))
        return false;
    int64_t q = num / a->den;
    *out = (num % a->den != 0 && num < 0) ? q - 1 : q; /* floor */
    return true;
}

static bool eval_expr(const ol_expr *e, ol_symbol_value_fn value_of, void *ctx, int depth, int64_t *out)
{
    int64_t sum = e->constant;
    for (int t = 0; t < e->n_terms; t++) {
        int64_t prod = e->terms[t].coeff;
        for (int k = 0; k < e->terms[t].n; k++) {
            int64_t v;
            if (!eval_atom(e->terms[t].atoms[k], value_of, ctx, depth, &v) || __builtin_mul_overflow(prod, v, &prod))
                return false;
        }
        if (__builtin_add_overflow(sum, prod, &sum))
            return false;
    }
    *out = sum;
    return true;
}

bool ol_dim_eval(ol_exprs *pool, ol_dim d, ol_symbol_value_fn value_of, void *ctx, int64_t *out)
{
    d = ol_dim_resolve(pool, d);
    if (d.kind == OL_DIM_VALUE)
        return *out = d.value, true;
    return d.kind == OL_DIM_SYMBOL && eval_expr(d.expr, value_of, ctx, 0, out);
}

static bool lower_expr(const ol_expr *e, int depth, int64_t *lo);

/* An atom's least value: a symbol is at least 1; floor(e/k) at least
 * floor(lo(e)/k). */
static bool lower_atom(const ol_atom *a, int depth, int64_t *lo)
{
    if (a->name)
        return *lo = 1, true;
    int64_t num;
    if (depth > OL_EXPR_MAX_NESTING + 1 || a->den <= 0 || !lower_expr(a->num, depth + 1, &num))
        return false;
    int64_t q = num / a->den;
    *lo = (num % a->den != 0 && num < 0) ? q - 1 : q;
    return true;
}

/* Every term must have a positive coefficient and atoms whose least values
 * are >= 0, so that it grows with them: the least value is then the
 * expression at the atoms' least values. */
static bool lower_expr(const ol_expr *e, int depth, int64_t *lo)
{
    int64_t sum = e->constant;
    for (int t = 0; t < e->n_terms; t++) {
        int64_t prod = e->terms[t].coeff;
        if (prod <= 0)
            return false;
        for (int k = 0; k < e->terms[t].n; k++) {
            int64_t v;
            if (!lower_atom(e->terms[t].atoms[k], depth, &v) || v < 0 || __builtin_mul_overflow(prod, v, &prod))
                return false;
        }
        if (__builtin_add_overflow(sum, prod, &sum))
            return false;
    }
    *lo = sum;
    return true;
}

bool ol_dim_lower_bound(ol_exprs *pool, ol_dim d, int64_t *lo)
{
    d = ol_dim_resolve(pool, d);
    if (d.kind == OL_DIM_VALUE)
        return *lo = d.value, true;
    return d.kind == OL_DIM_SYMBOL && lower_expr(d.expr, 0, lo);
}

bool ol_dim_at_least(ol_exprs *pool, ol_dim d, int64_t k)
{
    int64_t lo;
    return ol_dim_lower_bound(pool, d, &lo) && lo >= k;
}

bool ol_dim_equal(ol_exprs *pool, ol_dim a, ol_dim b)
{
    a = ol_dim_resolve(pool, a);
    b = ol_dim_resolve(pool, b);
    if (a.kind != b.kind || a.kind == OL_DIM_UNKNOWN)
        return false;
    return a.kind == OL_DIM_VALUE ? a.value == b.value : a.expr == b.expr;
}

bool ol_dim_differ(ol_exprs *pool, ol_dim a, ol_dim b)
{
    ol_dim d = ol_dim_sub(pool, ol_dim_resolve(pool, a), ol_dim_resolve(pool, b));
    return d.kind == OL_DIM_VALUE && d.value != 0;
}

/* Whether an atom (or the numerator under it) names an anonymous dim. */
static bool mentions_anonymous(const ol_expr *e)
{
    for (int i = 0; i < e->n_terms; i++) {
        for (int k = 0; k < e->terms[i].n; k++) {
            const ol_atom *a = e->terms[i].atoms[k];
            if ((a->name && strncmp(a->name, OL_ANONYMOUS_DIM_PREFIX, strlen(OL_ANONYMOUS_DIM_PREFIX)) == 0) ||
                (a->num && mentions_anonymous(a->num)))
                return true;
        }
    }
    return false;
}

bool ol_dim_is_anonymous(ol_dim d)
{
    return d.kind == OL_DIM_SYMBOL && mentions_anonymous(d.expr);
}

/* The least value of a product of atoms: 1 for symbols, 0 once a floor()
 * atom is in it (floor((H-1)/2) is 0 at H = 1). */
static int64_t term_lower_bound(const term *t)
{
    for (int k = 0; k < t->n; k++) {
        if (!t->atoms[k]->name)
            return 0;
    }
    return 1;
}

ol_dim_order ol_dim_compare(ol_exprs *pool, ol_dim a, ol_dim b)
{
    a = ol_dim_resolve(pool, a);
    b = ol_dim_resolve(pool, b);
    if (a.kind == OL_DIM_UNKNOWN || b.kind == OL_DIM_UNKNOWN)
        return OL_DIM_ORDER_UNKNOWN;
    if (ol_dim_equal(pool, a, b))
        return OL_DIM_ORDER_EQUAL;
    ol_dim d = ol_dim_sub(pool, a, b);
    if (d.kind == OL_DIM_VALUE)
        return d.value != 0 ? OL_DIM_ORDER_DIFFERENT : OL_DIM_ORDER_EQUAL;
    if (d.kind != OL_DIM_SYMBOL)
        return OL_DIM_ORDER_UNKNOWN;
    /* d = c + sum k_i * m_i with every m_i >= its lower bound: all k_i > 0
     * and c + sum k_i * lb_i > 0 means d > 0; the mirror means d < 0. */
    for (int sign = 1; sign >= -1; sign -= 2) {
        bool same_sign = true;
        int64_t bound = sign * d.expr->constant;
        for (int i = 0; i < d.expr->n_terms && same_sign; i++) {
            int64_t k = sign * d.expr->terms[i].coeff;
            same_sign = k > 0;
            if (same_sign && bound < INT64_MAX / 2 && k < INT64_MAX / 4)
                bound += k * term_lower_bound(&d.expr->terms[i]);
        }
        if (same_sign && bound > 0)
            return OL_DIM_ORDER_DIFFERENT;
    }
    return OL_DIM_ORDER_UNKNOWN;
}

/* The symbol name when d is exactly one symbol, else NULL. */
static const char *lone_symbol(ol_dim d)
{
    if (d.kind != OL_DIM_SYMBOL || d.expr->constant || d.expr->n_terms != 1 || d.expr->terms[0].coeff != 1 ||
        d.expr->terms[0].n != 1)
        return NULL;
    return d.expr->terms[0].atoms[0]->name;
}

static bool mentions(const ol_expr *e, const char *name)
{
    for (int i = 0; i < e->n_terms; i++) {
        for (int k = 0; k < e->terms[i].n; k++) {
            const ol_atom *a = e->terms[i].atoms[k];
            if ((a->name && strcmp(a->name, name) == 0) || (a->num && mentions(a->num, name)))
                return true;
        }
    }
    return false;
}

static bool bind(ol_exprs *pool, const char *name, ol_dim value, const char *where)
{
    if (value.kind == OL_DIM_SYMBOL && mentions(value.expr, name))
        return true; /* N = N+0 style: nothing to bind */
    ol_dim *slot = ol_arena_alloc(pool->arena, sizeof *slot);
    if (!slot)
        return true;
    *slot = value;
    const char *key = ol_arena_strndup(pool->arena, name, strlen(name));
    if (!key || !ol_map_put(&pool->bindings, pool->arena, key, slot))
        return true;
    if (pool->n_unifications == pool->unifications_cap) {
        size_t cap = pool->unifications_cap ? pool->unifications_cap * 2 : 8;
        ol_unification *u = ol_arena_alloc(pool->arena, cap * sizeof *u);
        if (!u)
            return true;
        if (pool->n_unifications)
            memcpy(u, pool->unifications, pool->n_unifications * sizeof *u);
        pool->unifications = u;
        pool->unifications_cap = cap;
    }
    pool->unifications[pool->n_unifications++] =
        (ol_unification){key, value, where ? ol_arena_strndup(pool->arena, where, strlen(where)) : NULL};
    return true;
}

bool ol_exprs_unify(ol_exprs *pool, ol_dim a, ol_dim b, const char *where)
{
    a = ol_dim_resolve(pool, a);
    b = ol_dim_resolve(pool, b);
    if (a.kind == OL_DIM_UNKNOWN || b.kind == OL_DIM_UNKNOWN)
        return true;
    if (a.kind == OL_DIM_VALUE && b.kind == OL_DIM_VALUE)
        return a.value == b.value;
    if (ol_dim_equal(pool, a, b))
        return true;
    if (ol_dim_differ(pool, a, b))
        return false;
    const char *sa = lone_symbol(a), *sb = lone_symbol(b);
    if (b.kind == OL_DIM_VALUE && sa)
        return bind(pool, sa, b, where);
    if (a.kind == OL_DIM_VALUE && sb)
        return bind(pool, sb, a, where);
    if (sb)
        return bind(pool, sb, a, where);
    if (sa)
        return bind(pool, sa, b, where);
    return true; /* two expressions not known to differ: nothing to bind */
}

const char *ol_dim_text(ol_dim d, char *buf, size_t cap)
{
    if (d.kind == OL_DIM_VALUE)
        snprintf(buf, cap, "%lld", (long long)d.value);
    else if (d.kind == OL_DIM_SYMBOL)
        snprintf(buf, cap, "%s", d.symbol);
    else
        snprintf(buf, cap, "?");
    return buf;
}
