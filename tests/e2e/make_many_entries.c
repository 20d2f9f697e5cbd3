/*
 * make_many_entries.c - writes the malformed suite's "many entries" case:
 * a ModelProto whose graph holds 10,000,000 empty NodeProto entries
 * (2 bytes each, 20 MB), which the loader must refuse by its entry limit
 * rather than let protobuf-c allocate gigabytes.  Usage: PATH.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define ENTRIES 10000000u

static size_t varint(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_many_entries PATH\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "wb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    uint8_t head[32];
    size_t n = 0;
    head[n++] = 0x08; /* ir_version = 8 */
    head[n++] = 0x08;
    head[n++] = 0x3a; /* graph, length-delimited */
    n += varint(head + n, (uint64_t)ENTRIES * 2);
    fwrite(head, 1, n, f);
    static uint8_t block[65536];
    for (size_t i = 0; i < sizeof block; i += 2) {
        block[i] = 0x0a; /* node: empty NodeProto */
        block[i + 1] = 0x00;
    }
    uint64_t left = (uint64_t)ENTRIES * 2;
    while (left) {
        size_t k = left < sizeof block ? (size_t)left : sizeof block;
        fwrite(block, 1, k, f);
        left -= k;
    }
    return fclose(f) == 0 ? 0 : 1;
}
