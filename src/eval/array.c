/*
 * array.c - runtime tensors: element access by type, half-precision
 * conversion, broadcasting arithmetic of indices.
 *
 * Generic kernels go through ol_array_get_f64/_i64 and the setters (one
 * switch per element: clear, and fast enough for the loss path and the
 * test suite); hot kernels (MatMul, Conv, elementwise float) specialise on
 * float data directly.
 */
#include <math.h>
#include <string.h>

#include "eval/eval.h"

size_t ol_elem_size(int32_t t)
{
    switch (t) {
    case 1: case 6: case 12: return 4;        /* float, int32, uint32 */
    case 2: case 3: case 9: return 1;         /* uint8, int8, bool */
    case 4: case 5: case 10: case 16: return 2; /* uint16, int16, float16, bfloat16 */
    case 7: case 11: case 13: case 14: return 8; /* int64, double, uint64, complex64 */
    case 15: return 16;                       /* complex128 */
    case 8: return sizeof(ol_string);         /* string */
    case 17: case 18: case 19: case 20: case 24: return 1; /* float8 kinds (e8m0 too), stored as bytes */
    default: return 0;
    }
}

float ol_half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else {
            exp = 127 - 15 + 1;
            while (!(mant & 0x400)) {
                mant <<= 1;
                exp--;
            }
            bits = sign | (exp << 23) | ((mant & 0x3ff) << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | (mant << 13);
    } else {
        bits = sign | ((exp - 15 + 127) << 23) | (mant << 13);
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

uint16_t ol_float_to_half(float f)
{
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    uint32_t sign = (x >> 16) & 0x8000, exp = (x >> 23) & 0xff, mant = x & 0x7fffff;
    if (exp == 0xff) /* inf or nan */
        return (uint16_t)(sign | 0x7c00 | (mant ? 0x200 : 0));
    int e = (int)exp - 127 + 15;
    if (e >= 31)
        return (uint16_t)(sign | 0x7c00);
    if (e <= 0) { /* subnormal or zero, round to nearest even */
        if (e < -10)
            return (uint16_t)sign;
        mant |= 0x800000;
        int shift = 14 - e;
        uint32_t half = mant >> shift;
        uint32_t rest = mant & ((1u << shift) - 1), midpoint = 1u << (shift - 1);
        if (rest > midpoint || (rest == midpoint && (half & 1)))
            half++;
        return (uint16_t)(sign | half);
    }
    uint32_t half = sign | ((uint32_t)e << 10) | (mant >> 13);
    uint32_t rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
        half++; /* may carry into the exponent: still correct */
    return (uint16_t)half;
}

float ol_bfloat16_to_float(uint16_t h)
{
    uint32_t bits = (uint32_t)h << 16;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

uint16_t ol_float_to_bfloat16(float f)
{
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    if ((x & 0x7fffffff) > 0x7f800000)
        return (uint16_t)((x >> 16) | 0x40); /* quiet nan */
    uint32_t rounding = 0x7fff + ((x >> 16) & 1);
    return (uint16_t)((x + rounding) >> 16);
}

double ol_array_get_f64(const ol_array *a, size_t i)
{
    const void *p = a->data;
    switch (a->elem_type) {
    case 1: return ((const float *)p)[i];
    case 11: return ((const double *)p)[i];
    case 10: return ol_half_to_float(((const uint16_t *)p)[i]);
    case 16: return ol_bfloat16_to_float(((const uint16_t *)p)[i]);
    case 2: return ((const uint8_t *)p)[i];
    case 3: return ((const int8_t *)p)[i];
    case 4: return ((const uint16_t *)p)[i];
    case 5: return ((const int16_t *)p)[i];
    case 6: return ((const int32_t *)p)[i];
    case 7: return (double)((const int64_t *)p)[i];
    case 9: return ((const uint8_t *)p)[i] != 0;
    case 12: return ((const uint32_t *)p)[i];
    case 13: return (double)((const uint64_t *)p)[i];
    default: return NAN;
    }
}

int64_t ol_array_get_i64(const ol_array *a, size_t i)
{
    const void *p = a->data;
    switch (a->elem_type) {
    case 7: return ((const int64_t *)p)[i];
    case 6: return ((const int32_t *)p)[i];
    case 2: return ((const uint8_t *)p)[i];
    case 3: return ((const int8_t *)p)[i];
    case 4: return ((const uint16_t *)p)[i];
    case 5: return ((const int16_t *)p)[i];
    case 9: return ((const uint8_t *)p)[i] != 0;
    case 12: return ((const uint32_t *)p)[i];
    case 13: return (int64_t)((const uint64_t *)p)[i];
    default: {
        double v = ol_array_get_f64(a, i);
        if (!(v == v) || v >= 9.2233720368547758e18 || v <= -9.2233720368547758e18)
            return INT64_MIN; /* NaN and out of range: as runtimes do on x86 */
        return (int64_t)v;
    }
    }
}

void ol_array_set_f64(ol_array *a, size_t i, double v)
{
    void *p = a->data;
    switch (a->elem_type) {
    case 1: ((float *)p)[i] = (float)v; break;
    case 11: ((double *)p)[i] = v; break;
    case 10: ((uint16_t *)p)[i] = ol_float_to_half((float)v); break;
    case 16: ((uint16_t *)p)[i] = ol_float_to_bfloat16((float)v); break;
    case 9: ((uint8_t *)p)[i] = v != 0; break;
    case 14: ((float *)p)[2 * i] = (float)v, ((float *)p)[2 * i + 1] = 0; break;   /* complex: real part */
    case 15: ((double *)p)[2 * i] = v, ((double *)p)[2 * i + 1] = 0; break;
    default:
        if (ol_elem_is_integral(a->elem_type)) {
            int64_t iv =
                (v != v || v >= 9.2233720368547758e18 || v <= -9.2233720368547758e18) ? INT64_MIN : (int64_t)v;
            ol_array_set_i64(a, i, iv);
        }
        break; /* strings, float8: not numbers this API writes */
    }
}

void ol_array_set_i64(ol_array *a, size_t i, int64_t v)
{
    void *p = a->data;
    switch (a->elem_type) {
    case 7: ((int64_t *)p)[i] = v; break;
    case 6: ((int32_t *)p)[i] = (int32_t)v; break;
    case 2: ((uint8_t *)p)[i] = (uint8_t)v; break;
    case 3: ((int8_t *)p)[i] = (int8_t)v; break;
    case 4: ((uint16_t *)p)[i] = (uint16_t)v; break;
    case 5: ((int16_t *)p)[i] = (int16_t)v; break;
    case 9: ((uint8_t *)p)[i] = v != 0; break;
    case 12: ((uint32_t *)p)[i] = (uint32_t)v; break;
    case 13: ((uint64_t *)p)[i] = (uint64_t)v; break;
    default:
        if (!ol_elem_is_integral(a->elem_type))
            ol_array_set_f64(a, i, (double)v); /* which never calls back here */
        break;
    }
}

void ol_strides(const int64_t *dims, int rank, int64_t *strides)
{
    int64_t s = 1;
    for (int i = rank - 1; i >= 0; i--) {
        strides[i] = s;
        s *= dims[i];
    }
}

bool ol_broadcast_dims(const ol_array *const *arrays, size_t n, int64_t *out_dims, int *out_rank)
{
    int rank = 0;
    for (size_t i = 0; i < n; i++) {
        if (arrays[i] && arrays[i]->rank > rank)
            rank = arrays[i]->rank;
    }
    if (rank > OL_MAX_RANK)
        return false;
    for (int axis = 0; axis < rank; axis++) {
        int64_t d = 1;
        for (size_t i = 0; i < n; i++) {
            const ol_array *a = arrays[i];
            if (!a)
                continue;
            int k = axis - (rank - a->rank);
            if (k < 0)
                continue;
            int64_t x = a->dims[k];
            if (x == 1)
                continue;
            if (d != 1 && d != x)
                return false;
            d = x;
        }
        /* A zero-size dim broadcasts against 1 only. */
        for (size_t i = 0; i < n; i++) {
            const ol_array *a = arrays[i];
            int k = a ? axis - (rank - a->rank) : -1;
            if (a && k >= 0 && a->dims[k] == 0)
                d = 0;
        }
        out_dims[axis] = d;
    }
    *out_rank = rank;
    return true;
}

size_t ol_broadcast_offset(const ol_array *a, const int64_t *out_dims, int out_rank, size_t out_index)
{
    size_t offset = 0, stride = 1;
    for (int axis = out_rank - 1; axis >= 0; axis--) {
        size_t coord = (size_t)(out_index % (size_t)out_dims[axis]);
        out_index /= (size_t)out_dims[axis];
        int k = axis - (out_rank - a->rank);
        if (k < 0)
            break;
        size_t d = (size_t)a->dims[k];
        if (d != 1)
            offset += coord * stride;
        stride *= d;
    }
    return offset;
}
