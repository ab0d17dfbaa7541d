/*
 * BLAKE2b with an 8-byte digest (RFC 7693, unkeyed) of many short texts at once.
 *
 * A lot draws by hashlib.blake2b(id_utf8, digest_size=8) of each tied id. Called
 * from Python that is one object, one call and one bytes per id, which made the
 * first ranking of a tie-heavy table 2-3x its later ones. These loops compute the
 * very same digests (tests/test_digest.py checks them against hashlib) straight
 * from the id array -- int64 ids through their decimal text, text ids through
 * their UTF-8 bytes and offsets -- with the GIL released, so that the library's
 * thread pool can run parts of one array side by side.
 *
 * This module is optional: when it is not built (no C compiler), emulation_rules
 * computes the same digests with hashlib. It uses only the buffer protocol, so it
 * builds without numpy's headers.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

static const uint64_t IV[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL,
    0xa54ff53a5f1d36f1ULL, 0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL,
    0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

static const uint8_t SIGMA[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
}; /* rounds 10 and 11 take rows 0 and 1 again */

#define ROTR64(x, n) (((x) >> (n)) | ((x) << (64 - (n))))

#define G(a, b, c, d, x, y)              \
    do {                                 \
        v[a] = v[a] + v[b] + (x);        \
        v[d] = ROTR64(v[d] ^ v[a], 32);  \
        v[c] = v[c] + v[d];              \
        v[b] = ROTR64(v[b] ^ v[c], 24);  \
        v[a] = v[a] + v[b] + (y);        \
        v[d] = ROTR64(v[d] ^ v[a], 16);  \
        v[c] = v[c] + v[d];              \
        v[b] = ROTR64(v[b] ^ v[c], 63);  \
    } while (0)

/* One of the 12 rounds, on a state ``v`` and message words ``m`` of any one type: the
   same text serves the scalar and the vector (eight ids at once) versions. */
#define ROUND(s, m)                          \
    do {                                     \
        G(0, 4, 8, 12, m[s[0]], m[s[1]]);    \
        G(1, 5, 9, 13, m[s[2]], m[s[3]]);    \
        G(2, 6, 10, 14, m[s[4]], m[s[5]]);   \
        G(3, 7, 11, 15, m[s[6]], m[s[7]]);   \
        G(0, 5, 10, 15, m[s[8]], m[s[9]]);   \
        G(1, 6, 11, 12, m[s[10]], m[s[11]]); \
        G(2, 7, 8, 13, m[s[12]], m[s[13]]);  \
        G(3, 4, 9, 14, m[s[14]], m[s[15]]);  \
    } while (0)

/* The little-endian word at ``p``, whatever the machine's byte order. */
static uint64_t load64(const uint8_t *p)
{
    return (uint64_t)p[0] | ((uint64_t)p[1] << 8) | ((uint64_t)p[2] << 16) |
           ((uint64_t)p[3] << 24) | ((uint64_t)p[4] << 32) | ((uint64_t)p[5] << 40) |
           ((uint64_t)p[6] << 48) | ((uint64_t)p[7] << 56);
}

static void compress(uint64_t h[8], const uint8_t block[128], uint64_t t, int last)
{
    uint64_t v[16], m[16];
    int i;
    for (i = 0; i < 16; i++)
        m[i] = load64(block + 8 * i);
    for (i = 0; i < 8; i++) {
        v[i] = h[i];
        v[i + 8] = IV[i];
    }
    v[12] ^= t; /* the byte counter's high word stays 0: one id is far below 2^64 bytes */
    if (last)
        v[14] = ~v[14];
    for (i = 0; i < 12; i++)
        ROUND(SIGMA[i % 10], m);
    for (i = 0; i < 8; i++)
        h[i] ^= v[i] ^ v[i + 8];
}

/* The 8-byte digest of ``len`` bytes at ``p``, as the little-endian uint64 it spells. */
static uint64_t digest8(const uint8_t *p, size_t len)
{
    uint64_t h[8];
    uint8_t block[128];
    uint64_t t = 0;
    memcpy(h, IV, sizeof h);
    h[0] ^= 0x01010000ULL ^ 8ULL; /* fanout 1, depth 1, no key, 8-byte digest */
    while (len > 128) {
        t += 128;
        memcpy(block, p, 128);
        compress(h, block, t, 0);
        p += 128;
        len -= 128;
    }
    memset(block, 0, sizeof block);
    if (len)
        memcpy(block, p, len);
    t += len;
    compress(h, block, t, 1);
    return h[0];
}

/*
 * Eight digests side by side: the same rounds on vectors of eight words, one lane
 * per id, for ids of at most one block (every id of an int64 table, nearly every
 * name). GCC/Clang's vector extensions compile to whatever the target has; where
 * the compiler can, it also makes AVX2 and AVX-512 versions, picked at run time.
 */
#define LANES 8
#if (defined(__GNUC__) || defined(__clang__)) && !defined(DIGEST_NO_LANES)
#define HAVE_LANES 1
typedef uint64_t lanes_t __attribute__((vector_size(8 * LANES)));
/* target_clones dispatches through an ifunc: glibc has them, musl does not. */
#if (defined(__x86_64__) || defined(__i386__)) && defined(__linux__) && defined(__GLIBC__) && \
    (!defined(__clang__) || __clang_major__ >= 14)
#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CLONES
#endif

/* out[l] = digest8 of the one-block message whose words are m[.][l] and length t[l]. */
CLONES static void digest_lanes(const uint64_t m[16][LANES], const uint64_t t[LANES],
                                uint64_t out[LANES])
{
    lanes_t v[16], w[16], tl;
    uint64_t h0 = IV[0] ^ 0x01010000ULL ^ 8ULL;
    int i;
    for (i = 0; i < 16; i++)
        memcpy(&w[i], m[i], sizeof(lanes_t));
    memcpy(&tl, t, sizeof(lanes_t));
    v[0] = (lanes_t){0} + h0;
    for (i = 1; i < 8; i++)
        v[i] = (lanes_t){0} + IV[i];
    for (i = 0; i < 8; i++)
        v[i + 8] = (lanes_t){0} + IV[i];
    v[12] ^= tl;
    v[14] = ~v[14];
    for (i = 0; i < 12; i++)
        ROUND(SIGMA[i % 10], w);
    v[0] = ((lanes_t){0} + h0) ^ v[0] ^ v[8];
    memcpy(out, &v[0], sizeof(lanes_t));
}
#endif

/* A batch of up to LANES short messages waiting for digest_lanes. */
typedef struct {
    uint64_t m[16][LANES];
    uint64_t t[LANES];
    uint64_t res[LANES];
    uint64_t *dest[LANES];
    int k;
} batch_t;

static void batch_flush(batch_t *b)
{
    int l;
    if (!b->k)
        return;
#ifdef HAVE_LANES
    for (l = b->k; l < LANES; l++) { /* idle lanes hash an empty text, never read */
        int w;
        for (w = 0; w < 16; w++)
            b->m[w][l] = 0;
        b->t[l] = 0;
    }
    digest_lanes((const uint64_t(*)[LANES])b->m, b->t, b->res);
#else
    for (l = 0; l < b->k; l++) {
        uint8_t block[128];
        int w, j;
        for (w = 0; w < 16; w++)
            for (j = 0; j < 8; j++)
                block[8 * w + j] = (uint8_t)(b->m[w][l] >> (8 * j));
        b->res[l] = digest8(block, (size_t)b->t[l]);
    }
#endif
    for (l = 0; l < b->k; l++)
        *b->dest[l] = b->res[l];
    b->k = 0;
}

/* Queue the digest of ``len`` (at most 128) bytes at ``p``, to be written to ``dest``. */
static void batch_add(batch_t *b, const uint8_t *p, size_t len, uint64_t *dest)
{
    uint8_t block[128];
    int l = b->k, w;
    memset(block, 0, sizeof block);
    memcpy(block, p, len);
    for (w = 0; w < 16; w++)
        b->m[w][l] = load64(block + 8 * w);
    b->t[l] = len;
    b->dest[l] = dest;
    if (++b->k == LANES)
        batch_flush(b);
}

/* The decimal text of ``x`` (as Python's str(int)) written at ``buf``; its length. */
static size_t decimal(int64_t x, uint8_t buf[24])
{
    uint8_t tmp[24];
    size_t n = 0, k = 0;
    uint64_t u = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
    do {
        tmp[n++] = (uint8_t)('0' + u % 10);
        u /= 10;
    } while (u);
    if (x < 0)
        buf[k++] = '-';
    while (n)
        buf[k++] = tmp[--n];
    return k;
}

static int get(PyObject *obj, Py_buffer *view, int writable, Py_ssize_t itemsize, const char *what)
{
    int flags = PyBUF_C_CONTIGUOUS | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0)
        return -1;
    if (view->len % itemsize != 0) {
        PyErr_Format(PyExc_ValueError, "%s: %zd bytes is not a whole number of %zd-byte items",
                     what, view->len, itemsize);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(int_digests_doc,
             "int_digests(values, out)\n\n"
             "out[i] = the 8-byte BLAKE2b digest of str(values[i]).encode(), little-endian;\n"
             "values: contiguous int64, out: writable contiguous 8-byte items, same length.");

static PyObject *int_digests(PyObject *self, PyObject *args)
{
    PyObject *a, *b;
    Py_buffer values, out;
    Py_ssize_t n, i;
    (void)self;
    if (!PyArg_ParseTuple(args, "OO", &a, &b))
        return NULL;
    if (get(a, &values, 0, 8, "values") < 0)
        return NULL;
    if (get(b, &out, 1, 8, "out") < 0) {
        PyBuffer_Release(&values);
        return NULL;
    }
    n = values.len / 8;
    if (out.len / 8 != n) {
        PyBuffer_Release(&values);
        PyBuffer_Release(&out);
        PyErr_SetString(PyExc_ValueError, "values and out differ in length");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    {
        const int64_t *v = (const int64_t *)values.buf;
        uint64_t *o = (uint64_t *)out.buf;
        uint8_t text[24];
        batch_t b;
        b.k = 0;
        for (i = 0; i < n; i++)
            batch_add(&b, text, decimal(v[i], text), o + i);
        batch_flush(&b);
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&values);
    PyBuffer_Release(&out);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(utf8_digests_doc,
             "utf8_digests(data, offsets, index, out)\n\n"
             "out[i] = the 8-byte BLAKE2b digest of data[offsets[j]:offsets[j + 1]],\n"
             "j = index[i], little-endian; data: bytes, offsets: contiguous int32 or int64\n"
             "(Arrow's layout), index: contiguous int64, out: writable, as long as index.");

static PyObject *utf8_digests(PyObject *self, PyObject *args)
{
    PyObject *a, *b, *c, *d;
    Py_buffer data, offsets, index, out;
    Py_ssize_t n, m, i, width;
    int ok = 1;
    (void)self;
    if (!PyArg_ParseTuple(args, "OOOO", &a, &b, &c, &d))
        return NULL;
    if (PyObject_GetBuffer(a, &data, PyBUF_C_CONTIGUOUS) < 0)
        return NULL;
    if (PyObject_GetBuffer(b, &offsets, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        PyBuffer_Release(&data);
        return NULL;
    }
    width = offsets.itemsize;
    if ((width != 4 && width != 8) || offsets.len < width) {
        PyErr_SetString(PyExc_ValueError, "offsets: need int32 or int64, at least one");
        goto fail_offsets;
    }
    if (get(c, &index, 0, 8, "index") < 0)
        goto fail_offsets;
    if (get(d, &out, 1, 8, "out") < 0)
        goto fail_index;
    n = index.len / 8;
    m = offsets.len / width - 1; /* the number of texts */
    if (out.len / 8 != n) {
        PyErr_SetString(PyExc_ValueError, "index and out differ in length");
        goto fail_out;
    }
    Py_BEGIN_ALLOW_THREADS
    {
        const uint8_t *bytes = (const uint8_t *)data.buf;
        const int64_t *ix = (const int64_t *)index.buf;
        uint64_t *o = (uint64_t *)out.buf;
        batch_t b;
        b.k = 0;
        for (i = 0; i < n; i++) {
            int64_t j = ix[i], lo, hi;
            if (j < 0 || j >= m) {
                ok = 0;
                break;
            }
            if (width == 4) {
                lo = ((const int32_t *)offsets.buf)[j];
                hi = ((const int32_t *)offsets.buf)[j + 1];
            } else {
                lo = ((const int64_t *)offsets.buf)[j];
                hi = ((const int64_t *)offsets.buf)[j + 1];
            }
            if (lo < 0 || hi < lo || hi > data.len) {
                ok = 0;
                break;
            }
            if (hi - lo <= 128)
                batch_add(&b, bytes + lo, (size_t)(hi - lo), o + i);
            else
                o[i] = digest8(bytes + lo, (size_t)(hi - lo));
        }
        batch_flush(&b); /* also after an error: the queued lanes belong to this call */
    }
    Py_END_ALLOW_THREADS
    if (!ok) {
        PyErr_SetString(PyExc_IndexError, "an index or offset lies outside the texts");
        goto fail_out;
    }
    PyBuffer_Release(&out);
    PyBuffer_Release(&index);
    PyBuffer_Release(&offsets);
    PyBuffer_Release(&data);
    Py_RETURN_NONE;
fail_out:
    PyBuffer_Release(&out);
fail_index:
    PyBuffer_Release(&index);
fail_offsets:
    PyBuffer_Release(&offsets);
    PyBuffer_Release(&data);
    return NULL;
}

static PyMethodDef methods[] = {
    {"int_digests", int_digests, METH_VARARGS, int_digests_doc},
    {"utf8_digests", utf8_digests, METH_VARARGS, utf8_digests_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    "_digest",
    "BLAKE2b-64 digests of many ids at once (an optional speed-up of hashlib).",
    -1,
    methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC PyInit__digest(void)
{
    return PyModule_Create(&module);
}
