/* cf_config_write_lines / cf_config_read_lines (a configuration carried by
 * a plan to its tasks) and cf_expand_inputs (directories into captures). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "customflow.h"

static int set(cf_config *c, const char *name, const char *value)
{
    char err[256];
    return cf_config_set(c, name, value, err, sizeof err);
}

/* Every option of a and b reads back the same. */
static int same_config(const cf_config *a, const cf_config *b)
{
    static const char *const names[] = {
        "output",    "devices", "local",         "packets",    "payload-bytes", "lifetime",
        "variant",   "size",    "anonymize",     "input-hash", "compression",   "filter",
        "max-flows", "layout",  "payload-cells", "format",     "jobs"};
    char x[512], y[512];
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        const char *vx = cf_config_get(a, names[k], x, sizeof x);
        const char *vy = cf_config_get(b, names[k], y, sizeof y);
        if (!vx || !vy || strcmp(vx, vy) != 0) {
            fprintf(stderr, "option %s: %s vs %s\n", names[k], vx ? vx : "?", vy ? vy : "?");
            return 0;
        }
    }
    return 1;
}

static int warnings;
static char last_warning[512];

static void count_warning(void *ctx, const char *msg)
{
    (void)ctx;
    warnings++;
    snprintf(last_warning, sizeof last_warning, "%s", msg);
}

int main(void)
{
    char err[256];
    /* Defaults: nothing to write. */
    cf_config *c = cf_config_new();
    char *text = cf_config_write_lines(c, err, sizeof err);
    CHECK(text && !strcmp(text, ""));
    free(text);

    /* Non-defaults, a hidden one (anonymize), a repeatable one, a value
     * holding '=' and spaces: written once each, read back equal. */
    CHECK(set(c, "packets", "7") == 0);
    CHECK(set(c, "lifetime", "1.5") == 0);
    CHECK(set(c, "no-anonymize", NULL) == 0);
    CHECK(set(c, "local", "10.1.0.0/16") == 0);
    CHECK(set(c, "local", "fd00::/8") == 0);
    CHECK(set(c, "filter", "tcp and port 80 or len = 60") == 0);
    CHECK(set(c, "variant", "bidirectional") == 0);
    CHECK(set(c, "output", "/data/out") == 0);
    text = cf_config_write_lines(c, err, sizeof err);
    CHECK(text != NULL);
    CHECK(text && strstr(text, "packets=7\n"));
    CHECK(text && strstr(text, "lifetime=1.500000\n"));
    CHECK(text && strstr(text, "anonymize=false\n"));
    CHECK(text && strstr(text, "local=10.1.0.0/16\nlocal=fd00::/8\n"));
    CHECK(text && strstr(text, "filter=tcp and port 80 or len = 60\n"));
    CHECK(text && !strstr(text, "payload-bytes"));
    cf_config *d = cf_config_new();
    CHECK(text && cf_config_read_lines(d, text, err, sizeof err) == 0);
    CHECK(same_config(c, d));
    free(text);
    cf_config_free(d);

    /* Reading: comments and blank lines skipped; errors name the line. */
    d = cf_config_new();
    CHECK(cf_config_read_lines(d, "# a comment\n\npackets=3\n", err, sizeof err) == 0);
    char buf[64];
    CHECK(!strcmp(cf_config_get(d, "packets", buf, sizeof buf), "3"));
    CHECK(cf_config_read_lines(d, "packets=3\nbogus=1\n", err, sizeof err) == -1 &&
          strstr(err, "line 2") && strstr(err, "bogus"));
    CHECK(cf_config_read_lines(d, "packets=0\n", err, sizeof err) == -1 &&
          strstr(err, "line 1: --packets"));
    CHECK(cf_config_read_lines(d, "no equals sign\n", err, sizeof err) == -1 &&
          strstr(err, "not NAME=VALUE"));
    cf_config_free(d);

    /* A value that cannot be one line is refused, not written wrongly. */
    CHECK(set(c, "filter", "tcp\nor udp") == 0);
    text = cf_config_write_lines(c, err, sizeof err);
    CHECK(text == NULL && strstr(err, "--filter"));
    free(text);
    cf_config_free(c);

    /* Directories: captures (by content) only, recursively, in name order;
     * files and missing paths passed through as given; skipped files
     * counted in one warning. */
    char dir[] = "/tmp/cf_expand_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char p[256];
    snprintf(p, sizeof p, "%s/b", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/empty", dir);
    mkdir(p, 0755);
    static const unsigned char pcap_le[] = {0xd4, 0xc3, 0xb2, 0xa1},
                               pcapng[] = {0x0a, 0x0d, 0x0d, 0x0a}, gz[] = {0x1f, 0x8b, 8, 0},
                               plain[] = {'h', 'i', '!', '\n'};
    struct {
        const char *name;
        const unsigned char *bytes;
    } files[] = {{"c.pcap", pcap_le},  {"a.data", pcapng},        {"b/x.gz", gz},
                 {"notes.txt", plain}, {".hidden.pcap", pcap_le}, {"b/fake.pcap", plain}};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[k].name);
        FILE *f = fopen(p, "wb");
        CHECK(f && fwrite(files[k].bytes, 1, 4, f) == 4);
        if (f)
            fclose(f);
    }
    cf_config *cfg = cf_config_new();
    cf_session *s = cf_session_new(cfg, count_warning, NULL, err, sizeof err);
    CHECK(s != NULL);
    char **caps;
    size_t n;
    const char *in[] = {dir, "/no/such.pcap"};
    CHECK(cf_expand_inputs(s, in, 2, &caps, &n, err, sizeof err) == 0);
    CHECK_EQ_INT(n, 5);
    const char *want[] = {".hidden.pcap", "a.data", "b/x.gz", "c.pcap"};
    for (size_t k = 0; k < 4 && k < n; k++) {
        snprintf(p, sizeof p, "%s/%s", dir, want[k]);
        CHECK_EQ_STR(caps[k], p);
    }
    if (n == 5)
        CHECK_EQ_STR(caps[4], "/no/such.pcap");
    CHECK(warnings == 1 && strstr(last_warning, "2 files that are not captures skipped"));
    cf_inputs_free(caps, n);
    snprintf(p, sizeof p, "%s/empty", dir);
    const char *in2[] = {p};
    CHECK(cf_expand_inputs(s, in2, 1, &caps, &n, err, sizeof err) == -1 &&
          strstr(err, "no capture"));
    CHECK(caps == NULL && n == 0);
    cf_session_free(s);
    cf_config_free(cfg);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);

    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed != 0;
}
