/*
 * expr.h - symbolic dimension expressions: N, N+5, 2*S, floor((H-1)/2)+1.
 *
 * A dim is a concrete size, a symbolic expression, or unknown.  Expressions
 * are kept in one canonical form, a constant plus integer multiples of
 * products of atoms, where an atom is a named symbol or floor(e/k) for an
 * expression e and a constant k > 1.  Like terms are combined and terms and
 * atoms sorted, and the result is interned: two dims are equal exactly when
 * their expressions are the same pointer.
 *
 * Symbols that must be equal (the inner dims of a MatMul, say) are unified:
 * ol_exprs_unify binds one to the other (a constant always wins), and
 * ol_dim_resolve rewrites a dim through the bindings made so far.
 *
 * Invariants: expressions are immutable once interned; an expression never
 * has more than OL_EXPR_MAX_TERMS terms, nor a term more than
 * OL_EXPR_MAX_DEGREE atoms, nor floor() nesting deeper than
 * OL_EXPR_MAX_NESTING: an operation whose result would is unknown instead
 * (never a wrong answer); integer overflow likewise gives unknown.
 */
#ifndef OL_EXPR_H
#define OL_EXPR_H

#include <stdbool.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/map.h"

#define OL_EXPR_MAX_TERMS 8
#define OL_EXPR_MAX_DEGREE 4
#define OL_EXPR_MAX_NESTING 4

typedef struct ol_expr ol_expr;
typedef struct ol_atom ol_atom;

typedef enum ol_dim_kind {
    OL_DIM_UNKNOWN = 0, /* no value and no name */
    OL_DIM_VALUE,       /* a concrete size */
    OL_DIM_SYMBOL       /* a symbolic expression (a plain name the simplest) */
} ol_dim_kind;

typedef struct ol_dim {
    ol_dim_kind kind;
    int64_t value;        /* OL_DIM_VALUE */
    const ol_expr *expr;  /* OL_DIM_SYMBOL */
    const char *symbol;   /* OL_DIM_SYMBOL: the expression's display text */
} ol_dim;

typedef struct ol_unification {
    const char *symbol; /* the name that was bound */
    ol_dim value;       /* what it was bound to */
    const char *where;  /* the node that required it (display name), or NULL */
} ol_unification;

/* The expression pool of one model. */
typedef struct ol_exprs {
    ol_arena *arena;
    ol_map atoms;       /* key -> ol_atom */
    ol_map exprs;       /* key -> ol_expr */
    ol_map bindings;    /* symbol name -> ol_dim* (unification) */
    ol_unification *unifications; /* in the order they were made */
    size_t n_unifications, unifications_cap;
} ol_exprs;

void ol_exprs_init(ol_exprs *pool, ol_arena *arena);

static inline ol_dim ol_dim_unknown(void)
{
    ol_dim d = {OL_DIM_UNKNOWN, 0, 0, 0};
    return d;
}

static inline ol_dim ol_dim_value(int64_t v)
{
    ol_dim d = {OL_DIM_VALUE, v, 0, 0};
    return d;
}

/* The dim named by a symbol (a dim_param).  Unknown if the pool is out of
 * memory. */
ol_dim ol_dim_named(ol_exprs *pool, const char *name);

/* A symbol no dim of the pool is named yet: unk__K with the smallest free
 * K at or above *next (advanced past it), the way ONNX names dims it
 * invents.  Unknown if the pool is out of memory. */
ol_dim ol_dim_fresh(ol_exprs *pool, unsigned *next);

/* Arithmetic on dims.  Unknown in, unknown out; constants fold.  floordiv
 * and ceildiv need a constant divisor > 0 for a symbolic dividend (else the
 * result is unknown); mod likewise. */
ol_dim ol_dim_add(ol_exprs *pool, ol_dim a, ol_dim b);
ol_dim ol_dim_sub(ol_exprs *pool, ol_dim a, ol_dim b);
ol_dim ol_dim_mul(ol_exprs *pool, ol_dim a, ol_dim b);
ol_dim ol_dim_floordiv(ol_exprs *pool, ol_dim a, ol_dim b);
ol_dim ol_dim_ceildiv(ol_exprs *pool, ol_dim a, ol_dim b);
ol_dim ol_dim_mod(ol_exprs *pool, ol_dim a, ol_dim b);
/* a / b when b divides a exactly (Reshape's -1: the element count over the
 * product of the other dims): constants, a constant divisor of every
 * coefficient, or a one-term divisor contained in every term of a.
 * Unknown otherwise. */
ol_dim ol_dim_div_exact(ol_exprs *pool, ol_dim a, ol_dim b);
/* Adds a constant. */
ol_dim ol_dim_add_const(ol_exprs *pool, ol_dim a, int64_t k);

/* Rewrites d through the unifications made so far. */
ol_dim ol_dim_resolve(ol_exprs *pool, ol_dim d);

/* Gives a symbol's value: true and *out set, or false when it has none. */
typedef bool (*ol_symbol_value_fn)(void *ctx, const char *name, int64_t *out);

/* The value of d (after unification) with each symbol given by value_of:
 * true and *out set, or false when d is unknown, a symbol has no value, or
 * the arithmetic overflows. */
bool ol_dim_eval(ol_exprs *pool, ol_dim d, ol_symbol_value_fn value_of, void *ctx, int64_t *out);

/* A least value of d (after unification) over every value of its symbols,
 * each symbol being a size of at least 1: true and *lo set, or false when
 * no bound is known (unknown d, a negative coefficient).  Inference keeps a
 * symbolic dim only when it holds for every such value, and asks this to
 * know whether an expression can go below 0, or can be 1. */
bool ol_dim_lower_bound(ol_exprs *pool, ol_dim d, int64_t *lo);

/* True when d is known to be >= k for every value of its symbols. */
bool ol_dim_at_least(ol_exprs *pool, ol_dim d, int64_t k);

/* True when a and b are known and equal (after unification). */
bool ol_dim_equal(ol_exprs *pool, ol_dim a, ol_dim b);

/* True when a and b are known to differ: two different constants, or
 * expressions whose difference is a non-zero constant. */
bool ol_dim_differ(ol_exprs *pool, ol_dim a, ol_dim b);

/* Names exporters invent for dims they could not name (onnx's symbolic
 * shape inference and the exporters built on it write unk__0, unk__1...):
 * such a name says "unknown", not "a size of its own". */
#define OL_ANONYMOUS_DIM_PREFIX "unk__"

/* Whether d mentions an anonymous dim (OL_ANONYMOUS_DIM_PREFIX). */
bool ol_dim_is_anonymous(ol_dim d);
/* How two dims compare when every symbol stands for a size >= 1. */
typedef enum ol_dim_order {
    OL_DIM_ORDER_UNKNOWN = 0, /* unknown dims, or sizes that may or may not agree */
    OL_DIM_ORDER_EQUAL,       /* the same size for every binding */
    OL_DIM_ORDER_DIFFERENT    /* different for every binding of the symbols >= 1 */
} ol_dim_order;

/* Compares a and b (after unification).  Different when a - b is a
 * non-zero constant, or when its lower bound (every symbol 1, every floor()
 * atom 0) is above 0 with no negative term, or the mirror image: N*T-N
 * never equals N*T.  Unknown when the sign of a - b depends on the sizes
 * (floor((L+3)/4) equals L at L = 1). */
ol_dim_order ol_dim_compare(ol_exprs *pool, ol_dim a, ol_dim b);

/* Makes a and b equal when nothing says they differ: binds a symbol to the
 * other side (a constant wins; between two symbols, b is bound to a).
 * Records the unification with `where` (a display name, may be NULL).
 * Returns false when they are known to differ (the caller reports it);
 * true when they were already equal, were unified, or one is unknown. */
bool ol_exprs_unify(ol_exprs *pool, ol_dim a, ol_dim b, const char *where);

/* Writes a dim for people ("3", "N+5", "?") into buf. */
const char *ol_dim_text(ol_dim d, char *buf, size_t cap);

#endif
