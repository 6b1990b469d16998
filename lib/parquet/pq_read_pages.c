/* Parquet file reader, part 2: one column chunk at a time, its pages
 * (data v1 and v2, dictionary) uncompressed, their levels and values
 * decoded; see pq_reader.h. Written from parquet-format (parquet.thrift,
 * Encodings.md). Every length comes from the file: each is checked against
 * what is there before it is used. */
#include "parquet/pq_reader_int.h"

#include "parquet/pq_read_enc.h"
#include "parquet/pq_read_thrift.h"

#include <inttypes.h>
#include <snappy-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#define MAX_DICT_ENTRIES ((size_t)1 << 24)

/* ---- column chunks ---- */

void pq_column_free(pq_column *c)
{
    free(c->def);
    free(c->rep);
    free(c->i);
    free(c->d);
    free(c->off);
    free(c->bytes);
    memset(c, 0, sizeof *c);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need == 0)
        need = 1;
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 64;
    while (nc < need)
        nc *= 2;
    void *np = realloc(*p, nc * elem);
    if (!np)
        return -1;
    *p = np;
    *cap = nc;
    return 0;
}

typedef struct ctx {
    pq_reader *r;
    const pq_leaf *leaf;
    int codec;
    const char *why;
    char msg[160];
} ctx;

static int bad(ctx *c, const char *why)
{
    c->why = why;
    return -1;
}

/* Room for `add` more level entries and values in out. */
static int reserve(ctx *c, pq_column *out, size_t add)
{
    size_t need = out->n + add;
    if (add > PQR_MAX_CHUNK_ENTRIES || need > PQR_MAX_CHUNK_ENTRIES)
        return bad(c, "column chunk has too many values");
    if (c->leaf->max_def && grow((void **)&out->def, &out->cap_def, need, 1))
        return bad(c, "out of memory");
    if (c->leaf->max_rep && grow((void **)&out->rep, &out->cap_rep, need, 1))
        return bad(c, "out of memory");
    size_t vneed = out->nvals + add + 1;
    int rc;
    switch (c->leaf->type) {
    case PQ_TYPE_BOOLEAN:
    case PQ_TYPE_INT32:
    case PQ_TYPE_INT64:
        rc = grow((void **)&out->i, &out->cap_i, vneed, sizeof *out->i);
        break;
    case PQ_TYPE_FLOAT:
    case PQ_TYPE_DOUBLE:
        rc = grow((void **)&out->d, &out->cap_d, vneed, sizeof *out->d);
        break;
    default:
        rc = grow((void **)&out->off, &out->cap_off, vneed, sizeof *out->off);
    }
    if (rc)
        return bad(c, "out of memory");
    return 0;
}

static int add_bytes(ctx *c, pq_column *out, const uint8_t *p, size_t n)
{
    size_t have = (size_t)out->off[out->nvals];
    if (n > PQR_MAX_CHUNK_BYTES - have)
        return bad(c, "column chunk values too large");
    if (grow((void **)&out->bytes, &out->cap_bytes, have + n + 1, 1))
        return bad(c, "out of memory");
    if (n)
        memcpy(out->bytes + have, p, n);
    out->off[++out->nvals] = have + n;
    return 0;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* One PLAIN INT32, INT64, FLOAT or DOUBLE value appended to out. */
static void plain_number(pq_column *out, int type, const uint8_t *p)
{
    if (type == PQ_TYPE_INT32) {
        out->i[out->nvals++] = (int32_t)le32(p);
    } else if (type == PQ_TYPE_INT64) {
        out->i[out->nvals++] = (int64_t)le64(p);
    } else if (type == PQ_TYPE_FLOAT) {
        uint32_t u = le32(p);
        float f;
        memcpy(&f, &u, 4);
        out->d[out->nvals++] = f;
    } else {
        uint64_t u = le64(p);
        double d;
        memcpy(&d, &u, 8);
        out->d[out->nvals++] = d;
    }
}

/* PLAIN values: count of them from p[0..n) appended to out. */
static int plain_values(ctx *c, pq_column *out, const uint8_t *p, size_t n, size_t count)
{
    const pq_leaf *l = c->leaf;
    if (!out->off && l->type != PQ_TYPE_BOOLEAN && l->type != PQ_TYPE_INT32 &&
        l->type != PQ_TYPE_INT64 && l->type != PQ_TYPE_FLOAT && l->type != PQ_TYPE_DOUBLE)
        return bad(c, "internal: offsets missing");
    switch (l->type) {
    case PQ_TYPE_BOOLEAN:
        if ((count + 7) / 8 > n)
            return bad(c, "PLAIN booleans beyond the page");
        for (size_t k = 0; k < count; k++)
            out->i[out->nvals++] = (p[k / 8] >> (k % 8)) & 1;
        return 0;
    case PQ_TYPE_INT32:
    case PQ_TYPE_INT64:
    case PQ_TYPE_FLOAT:
    case PQ_TYPE_DOUBLE: {
        const size_t w = l->type == PQ_TYPE_INT32 || l->type == PQ_TYPE_FLOAT ? 4 : 8;
        if (count > n / w)
            return bad(c, "PLAIN values beyond the page");
        for (size_t k = 0; k < count; k++)
            plain_number(out, l->type, p + w * k);
        return 0;
    }
    case PQ_TYPE_BYTE_ARRAY: {
        size_t at = 0;
        for (size_t k = 0; k < count; k++) {
            if (n - at < 4)
                return bad(c, "PLAIN byte array beyond the page");
            uint32_t len = le32(p + at);
            at += 4;
            if (len > n - at)
                return bad(c, "PLAIN byte array beyond the page");
            if (add_bytes(c, out, p + at, len))
                return -1;
            at += len;
        }
        return 0;
    }
    default: { /* FIXED_LEN_BYTE_ARRAY, INT96 */
        size_t w = (size_t)l->type_length;
        if (w == 0 || count > n / w)
            return bad(c, "PLAIN values beyond the page");
        for (size_t k = 0; k < count; k++)
            if (add_bytes(c, out, p + w * k, w))
                return -1;
        return 0;
    }
    }
}

static int scratch_u32(ctx *c, size_t n)
{
    if (grow((void **)&c->r->u32, &c->r->u32_cap, n ? n : 1, sizeof(uint32_t)))
        return bad(c, "out of memory");
    return 0;
}

static int values(ctx *c, pq_column *out, int enc, const uint8_t *p, size_t n, size_t count)
{
    pq_reader *r = c->r;
    const pq_leaf *l = c->leaf;
    if (enc == PQ_ENCODING_PLAIN)
        return plain_values(c, out, p, n, count);
    if (enc == PQ_ENCODING_PLAIN_DICTIONARY || enc == PQ_ENCODING_RLE_DICTIONARY) {
        if (count == 0)
            return 0;
        if (!r->have_dict)
            return bad(c, "dictionary-encoded page without a dictionary page");
        if (n < 1)
            return bad(c, "dictionary page data missing");
        if (scratch_u32(c, count))
            return -1;
        if (pq_rle_decode(p + 1, n - 1, p[0], r->u32, count, NULL, &c->why))
            return -1;
        for (size_t k = 0; k < count; k++) {
            uint32_t ix = r->u32[k];
            if (ix >= r->dict_n)
                return bad(c, "dictionary index out of range");
            switch (l->type) {
            case PQ_TYPE_BOOLEAN:
            case PQ_TYPE_INT32:
            case PQ_TYPE_INT64:
                out->i[out->nvals++] = r->dict.i[ix];
                break;
            case PQ_TYPE_FLOAT:
            case PQ_TYPE_DOUBLE:
                out->d[out->nvals++] = r->dict.d[ix];
                break;
            default:
                if (add_bytes(c, out, r->dict.bytes + r->dict.off[ix],
                              (size_t)(r->dict.off[ix + 1] - r->dict.off[ix])))
                    return -1;
            }
        }
        return 0;
    }
    if (enc == PQ_ENCODING_RLE && l->type == PQ_TYPE_BOOLEAN) {
        if (n < 4 || le32(p) > n - 4)
            return bad(c, "RLE booleans beyond the page");
        if (scratch_u32(c, count) || pq_rle_decode(p + 4, le32(p), 1, r->u32, count, NULL, &c->why))
            return -1;
        for (size_t k = 0; k < count; k++)
            out->i[out->nvals++] = r->u32[k];
        return 0;
    }
    if (enc == PQ_ENCODING_DELTA_BINARY_PACKED &&
        (l->type == PQ_TYPE_INT32 || l->type == PQ_TYPE_INT64)) {
        if (pq_delta_decode(p, n, out->i + out->nvals, count, NULL, &c->why))
            return -1;
        if (l->type == PQ_TYPE_INT32)
            for (size_t k = 0; k < count; k++)
                out->i[out->nvals + k] = (int32_t)(uint32_t)(uint64_t)out->i[out->nvals + k];
        out->nvals += count;
        return 0;
    }
    snprintf(c->msg, sizeof c->msg, "unsupported encoding %d for this column", enc);
    return bad(c, c->msg);
}

/* Uncompresses src into the reader's page buffer (ulen bytes exactly). */
static const uint8_t *page_uncompress(ctx *c, int codec, const uint8_t *src, size_t slen,
                                      size_t ulen)
{
    pq_reader *r = c->r;
    if (codec == PQ_COMPRESSION_UNCOMPRESSED) {
        if (slen != ulen) {
            bad(c, "page sizes differ in an uncompressed chunk");
            return NULL;
        }
        return src;
    }
    if (ulen > PQR_MAX_PAGE) {
        bad(c, "page too large");
        return NULL;
    }
    if (grow((void **)&r->page, &r->page_cap, ulen + 1, 1)) {
        bad(c, "out of memory");
        return NULL;
    }
    switch (codec) {
    case PQ_COMPRESSION_SNAPPY: {
        size_t got;
        if (snappy_uncompressed_length((const char *)src, slen, &got) != SNAPPY_OK || got != ulen) {
            bad(c, "bad snappy data (length)");
            return NULL;
        }
        got = ulen;
        if (snappy_uncompress((const char *)src, slen, (char *)r->page, &got) != SNAPPY_OK ||
            got != ulen) {
            bad(c, "bad snappy data");
            return NULL;
        }
        return r->page;
    }
    case PQ_COMPRESSION_GZIP: {
        z_stream z;
        memset(&z, 0, sizeof z);
        if (inflateInit2(&z, 15 + 32) != Z_OK) {
            bad(c, "zlib init failed");
            return NULL;
        }
        size_t in_done = 0, out_done = 0;
        int zr = Z_OK;
        while (zr != Z_STREAM_END) {
            size_t in_chunk = slen - in_done > UINT32_MAX ? UINT32_MAX : slen - in_done;
            size_t out_room = ulen + 1 - out_done;
            z.next_in = (Bytef *)(uintptr_t)(src + in_done);
            z.avail_in = (uInt)in_chunk;
            z.next_out = r->page + out_done;
            z.avail_out = (uInt)(out_room > UINT32_MAX ? UINT32_MAX : out_room);
            uInt ai = z.avail_in, ao = z.avail_out;
            zr = inflate(&z, Z_NO_FLUSH);
            in_done += ai - z.avail_in;
            out_done += ao - z.avail_out;
            if (zr == Z_STREAM_END && in_done < slen && out_done < ulen) {
                /* another gzip member follows */
                zr = inflateReset(&z) == Z_OK ? Z_OK : Z_DATA_ERROR;
                continue;
            }
            if (zr != Z_OK && zr != Z_STREAM_END)
                break;
            if (zr == Z_OK && ai == z.avail_in && ao == z.avail_out)
                break; /* no progress */
        }
        inflateEnd(&z);
        if (zr != Z_STREAM_END || out_done != ulen) {
            bad(c, "bad gzip data");
            return NULL;
        }
        return r->page;
    }
    case PQ_COMPRESSION_ZSTD: {
        /* One context for the whole file: a context per page costs more
         * than the page in a file of thousands of small columns. */
        if (!r->zstd && !(r->zstd = ZSTD_createDCtx())) {
            bad(c, "out of memory");
            return NULL;
        }
        size_t got = ZSTD_decompressDCtx(r->zstd, r->page, ulen, src, slen);
        if (ZSTD_isError(got) || got != ulen) {
            bad(c, "bad zstd data");
            return NULL;
        }
        return r->page;
    }
    default:
        snprintf(c->msg, sizeof c->msg, "unsupported compression codec %d", codec);
        bad(c, c->msg);
        return NULL;
    }
}

/* Levels with bit width from max into dst[0..count); checks each <= max. */
static int levels(ctx *c, const uint8_t *p, size_t n, int max, uint8_t *dst, size_t count,
                  size_t *used)
{
    if (scratch_u32(c, count))
        return -1;
    if (pq_rle_decode(p, n, pq_read_bit_width((uint64_t)max), c->r->u32, count, used, &c->why))
        return -1;
    for (size_t k = 0; k < count; k++) {
        if (c->r->u32[k] > (uint32_t)max)
            return bad(c, "level above its maximum");
        dst[k] = (uint8_t)c->r->u32[k];
    }
    return 0;
}

static size_t count_present(const pq_leaf *l, const pq_column *out, size_t nlev)
{
    if (!l->max_def)
        return nlev;
    size_t k = 0;
    for (size_t i = 0; i < nlev; i++)
        k += out->def[out->n + i] == l->max_def;
    return k;
}

/* A v1 data page's repetition or definition levels (kind) at p[*at..n):
 * a 4-byte length, then the RLE levels; *at moves past them. */
static int levels_v1(ctx *c, const uint8_t *p, size_t n, size_t *at, int enc, const char *kind,
                     int max, uint8_t *dst, size_t count)
{
    if (enc != PQ_ENCODING_RLE) {
        snprintf(c->msg, sizeof c->msg, "unsupported %s level encoding", kind);
        return bad(c, c->msg);
    }
    if (n - *at < 4 || le32(p + *at) > n - *at - 4) {
        snprintf(c->msg, sizeof c->msg, "%s levels beyond the page", kind);
        return bad(c, c->msg);
    }
    uint32_t len = le32(p + *at);
    if (levels(c, p + *at + 4, len, max, dst, count, NULL))
        return -1;
    *at += 4 + (size_t)len;
    return 0;
}

static int data_page_v1(ctx *c, pq_column *out, const uint8_t *p, size_t n, int64_t nv, int enc,
                        int def_enc, int rep_enc)
{
    const pq_leaf *l = c->leaf;
    if (nv < 0)
        return bad(c, "negative value count");
    size_t nlev = (size_t)nv;
    if (reserve(c, out, nlev))
        return -1;
    size_t at = 0;
    if (l->max_rep &&
        levels_v1(c, p, n, &at, rep_enc, "repetition", l->max_rep, out->rep + out->n, nlev))
        return -1;
    if (l->max_def &&
        levels_v1(c, p, n, &at, def_enc, "definition", l->max_def, out->def + out->n, nlev))
        return -1;
    size_t present = count_present(l, out, nlev);
    if (values(c, out, enc, p + at, n - at, present))
        return -1;
    out->n += nlev;
    return 0;
}

static int load_dict(ctx *c, const uint8_t *p, size_t n, int64_t nv, int enc)
{
    pq_reader *r = c->r;
    if (enc != PQ_ENCODING_PLAIN && enc != PQ_ENCODING_PLAIN_DICTIONARY)
        return bad(c, "unsupported dictionary page encoding");
    if (nv < 0 || (uint64_t)nv > MAX_DICT_ENTRIES)
        return bad(c, "bad dictionary size");
    pq_column *d = &r->dict;
    d->n = d->nvals = 0;
    if (d->off)
        d->off[0] = 0;
    /* reserve() works on the leaf's levels: use a level-less view */
    pq_leaf flat = *c->leaf;
    flat.max_def = flat.max_rep = 0;
    const pq_leaf *saved = c->leaf;
    c->leaf = &flat;
    int rc = reserve(c, d, (size_t)nv);
    if (!rc && d->off)
        d->off[0] = 0;
    if (!rc)
        rc = plain_values(c, d, p, n, (size_t)nv);
    c->leaf = saved;
    if (rc)
        return -1;
    r->dict_n = (size_t)nv;
    r->have_dict = 1;
    return 0;
}

typedef struct page_hdr {
    int type;
    int64_t ulen, clen;
    int have_dp, have_dict, have_v2;
    int64_t nv, nnulls, nrows, def_len, rep_len;
    int enc, def_enc, rep_enc, compressed;
} page_hdr;

static void parse_page_header(tr_reader *t, page_hdr *h)
{
    int16_t last, id;
    int ft;
    memset(h, 0, sizeof *h);
    h->type = -1;
    h->ulen = h->clen = -1;
    h->compressed = 1;
    tr_struct_begin(t, &last);
    while (tr_field(t, &last, &ft, &id)) {
        if (id == PQ_PH_TYPE)
            h->type = (int)tr_int_value(t, ft);
        else if (id == PQ_PH_UNCOMPRESSED_PAGE_SIZE)
            h->ulen = tr_int_value(t, ft);
        else if (id == PQ_PH_COMPRESSED_PAGE_SIZE)
            h->clen = tr_int_value(t, ft);
        else if ((id == PQ_PH_DATA_PAGE_HEADER || id == PQ_PH_DICTIONARY_PAGE_HEADER ||
                  id == PQ_PH_DATA_PAGE_HEADER_V2) &&
                 ft == TC_STRUCT) {
            int16_t l2, i2;
            int f2;
            if (id == PQ_PH_DATA_PAGE_HEADER)
                h->have_dp = 1;
            else if (id == PQ_PH_DICTIONARY_PAGE_HEADER)
                h->have_dict = 1;
            else
                h->have_v2 = 1;
            /* num_values is field 1 of all three headers, encoding field 2
             * of the v1 data and the dictionary page headers */
            tr_struct_begin(t, &l2);
            while (tr_field(t, &l2, &f2, &i2)) {
                if (i2 == PQ_DPH_NUM_VALUES && f2 != TC_STRUCT) {
                    h->nv = tr_int_value(t, f2);
                } else if (id == PQ_PH_DATA_PAGE_HEADER_V2) {
                    if (i2 == PQ_DPH2_NUM_NULLS)
                        h->nnulls = tr_int_value(t, f2);
                    else if (i2 == PQ_DPH2_NUM_ROWS)
                        h->nrows = tr_int_value(t, f2);
                    else if (i2 == PQ_DPH2_ENCODING)
                        h->enc = (int)tr_int_value(t, f2);
                    else if (i2 == PQ_DPH2_DEFINITION_LEVELS_BYTE_LENGTH)
                        h->def_len = tr_int_value(t, f2);
                    else if (i2 == PQ_DPH2_REPETITION_LEVELS_BYTE_LENGTH)
                        h->rep_len = tr_int_value(t, f2);
                    else if (i2 == PQ_DPH2_IS_COMPRESSED)
                        h->compressed = (int)tr_int_value(t, f2);
                    else
                        tr_skip(t, f2);
                } else if (i2 == PQ_DPH_ENCODING && f2 != TC_STRUCT) {
                    h->enc = (int)tr_int_value(t, f2);
                } else if (id == PQ_PH_DATA_PAGE_HEADER && i2 == PQ_DPH_DEFINITION_LEVEL_ENCODING &&
                           f2 != TC_STRUCT) {
                    h->def_enc = (int)tr_int_value(t, f2);
                } else if (id == PQ_PH_DATA_PAGE_HEADER && i2 == PQ_DPH_REPETITION_LEVEL_ENCODING &&
                           f2 != TC_STRUCT) {
                    h->rep_enc = (int)tr_int_value(t, f2);
                } else {
                    tr_skip(t, f2);
                }
            }
            tr_struct_end(t);
        } else
            tr_skip(t, ft);
    }
    tr_struct_end(t);
    if (!t->err && (h->type < 0 || h->ulen < 0 || h->clen < 0))
        tr_fail(t, "page header incomplete");
}

static int read_chunk(ctx *c, const chunk_meta *m, pq_column *out)
{
    pq_reader *r = c->r;
    const pq_leaf *l = c->leaf;
    if (m->type != l->type)
        return bad(c, "column chunk type differs from the schema");
    int64_t start = m->data_off;
    if (m->dict_off > 0 && m->dict_off < m->data_off)
        start = m->dict_off;
    if (start < 4 || (uint64_t)start >= r->size ||
        (uint64_t)m->comp_size > r->size - (uint64_t)start)
        return bad(c, "column chunk outside the file");
    if ((uint64_t)m->comp_size > PQR_MAX_CHUNK_BYTES)
        return bad(c, "column chunk too large");
    size_t len = (size_t)m->comp_size;
    if (grow((void **)&r->chunk, &r->chunk_cap, len + 1, 1))
        return bad(c, "out of memory");
    if (pqr_pread_all(r->fd, r->chunk, len, (uint64_t)start))
        return bad(c, "cannot read the column chunk");
    r->have_dict = 0;
    r->dict_n = 0;
    const uint8_t *p = r->chunk, *end = r->chunk + len;
    int data_seen = 0;
    while (out->n < (uint64_t)m->num_values) {
        if (p >= end)
            return bad(c, "column chunk ends before all its values");
        tr_reader t;
        tr_init(&t, p, (size_t)(end - p));
        page_hdr h;
        parse_page_header(&t, &h);
        if (t.err) {
            snprintf(c->msg, sizeof c->msg, "bad page header: %s", t.err);
            return bad(c, c->msg);
        }
        p = t.p;
        if ((uint64_t)h.clen > (uint64_t)(end - p))
            return bad(c, "page beyond the column chunk");
        if ((uint64_t)h.ulen > PQR_MAX_PAGE)
            return bad(c, "page too large");
        const uint8_t *body = p;
        size_t clen = (size_t)h.clen, ulen = (size_t)h.ulen;
        p += clen;
        if (h.type == PQ_PAGE_DICTIONARY) {
            if (!h.have_dict)
                return bad(c, "dictionary page without its header");
            if (data_seen || r->have_dict)
                return bad(c, "dictionary page after data pages");
            const uint8_t *u = page_uncompress(c, m->codec, body, clen, ulen);
            if (!u || load_dict(c, u, ulen, h.nv, h.enc))
                return -1;
        } else if (h.type == PQ_PAGE_DATA) {
            if (!h.have_dp)
                return bad(c, "data page without its header");
            data_seen = 1;
            const uint8_t *u = page_uncompress(c, m->codec, body, clen, ulen);
            if (!u || data_page_v1(c, out, u, ulen, h.nv, h.enc, h.def_enc, h.rep_enc))
                return -1;
        } else if (h.type == PQ_PAGE_DATA_V2) {
            if (!h.have_v2)
                return bad(c, "data page v2 without its header");
            data_seen = 1;
            if (h.nv < 0 || h.nnulls < 0 || h.nnulls > h.nv || h.def_len < 0 || h.rep_len < 0 ||
                (uint64_t)h.def_len + (uint64_t)h.rep_len > clen ||
                (uint64_t)h.def_len + (uint64_t)h.rep_len > ulen)
                return bad(c, "bad data page v2 header");
            size_t nlev = (size_t)h.nv, lv = (size_t)(h.rep_len + h.def_len);
            if (reserve(c, out, nlev))
                return -1;
            if (l->max_rep &&
                levels(c, body, (size_t)h.rep_len, l->max_rep, out->rep + out->n, nlev, NULL))
                return -1;
            if (l->max_def && levels(c, body + h.rep_len, (size_t)h.def_len, l->max_def,
                                     out->def + out->n, nlev, NULL))
                return -1;
            size_t present = count_present(l, out, nlev);
            if (present != nlev - (size_t)h.nnulls)
                return bad(c, "data page v2 null count differs from its levels");
            const uint8_t *u = h.compressed
                                   ? page_uncompress(c, m->codec, body + lv, clen - lv, ulen - lv)
                                   : (clen == ulen ? body + lv : NULL);
            if (!u) {
                if (!h.compressed)
                    bad(c, "page sizes differ in an uncompressed page");
                return -1;
            }
            if (values(c, out, h.enc, u, ulen - lv, present))
                return -1;
            out->n += nlev;
        }
        /* index pages and unknown page types are skipped */
    }
    if (out->n != (uint64_t)m->num_values)
        return bad(c, "column chunk holds more values than its metadata says");
    return 0;
}

int pq_read_column(pq_reader *r, size_t rg, size_t leaf, pq_column *out, char *err, size_t errlen)
{
    if (rg >= r->nrg || leaf >= r->nleaves) {
        pqr_set_err(err, errlen, "%s: no row group %zu / column %zu", r->path, rg, leaf);
        return -1;
    }
    ctx c = {r, &r->leaves[leaf], 0, NULL, {0}};
    out->type = c.leaf->type;
    out->n = out->nvals = 0;
    if (reserve(&c, out, 0) == 0 && out->off)
        out->off[0] = 0;
    if (c.why || read_chunk(&c, &r->rg[rg].cols[leaf], out)) {
        pqr_set_err(err, errlen, "%s: column %s, row group %zu: %s", r->path, c.leaf->path, rg,
                    c.why ? c.why : "error");
        out->n = out->nvals = 0;
        return -1;
    }
    return 0;
}
