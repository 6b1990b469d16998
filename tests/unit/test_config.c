/* Options by name (cf_config_set/get, cf_options, enums) and the checks of
 * cf_session_new: the one table behind the CLI, Python and plans. */
#include <string.h>

#include "check.h"
#include "customflow.h"

static int set(cf_config *c, const char *name, const char *value, char *err)
{
    return cf_config_set(c, name, value, err, 256);
}

int main(void)
{
    char err[256], buf[256];
    cf_config *c = cf_config_new();
    CHECK(c != NULL);
    /* Defaults, read back as text. */
    CHECK(!strcmp(cf_config_get(c, "packets", buf, sizeof buf), "10"));
    CHECK(!strcmp(cf_config_get(c, "payload-bytes", buf, sizeof buf), "1000"));
    CHECK(!strcmp(cf_config_get(c, "lifetime", buf, sizeof buf), "60.000000"));
    CHECK(!strcmp(cf_config_get(c, "variant", buf, sizeof buf), "both"));
    CHECK(!strcmp(cf_config_get(c, "input-hash", buf, sizeof buf), "xxh3"));
    CHECK(!strcmp(cf_config_get(c, "anonymize", buf, sizeof buf), "true"));
    CHECK(cf_config_get(c, "bogus", buf, sizeof buf) == NULL);
    /* '_' reads as '-'; values checked with the CLI's messages. */
    CHECK(set(c, "payload_bytes", "64", err) == 0);
    CHECK(!strcmp(cf_config_get(c, "payload-bytes", buf, sizeof buf), "64"));
    CHECK(set(c, "packets", "0", err) == -1 && strstr(err, "--packets: '0' is not"));
    CHECK(set(c, "packets", "10001", err) == -1);
    CHECK(set(c, "packets", "-1", err) == -1);
    CHECK(set(c, "packets", NULL, err) == -1 && strstr(err, "needs a value"));
    CHECK(set(c, "lifetime", "0.5", err) == 0);
    CHECK(!strcmp(cf_config_get(c, "lifetime", buf, sizeof buf), "0.500000"));
    CHECK(set(c, "lifetime", "nan", err) == -1 && strstr(err, "--lifetime: 'nan'"));
    CHECK(set(c, "variant", "x", err) == -1 &&
          strstr(err, "is not both, bidirectional or unidirectional"));
    CHECK(set(c, "variant", "unidirectional", err) == 0);
    CHECK(!strcmp(cf_config_get(c, "variant", buf, sizeof buf), "unidirectional"));
    CHECK(set(c, "bogus", "1", err) == -1 && strstr(err, "unknown option 'bogus'"));
    /* Switches and their negations. */
    CHECK(set(c, "no-anonymize", NULL, err) == 0);
    CHECK(!strcmp(cf_config_get(c, "anonymize", buf, sizeof buf), "false"));
    CHECK(set(c, "anonymize", "true", err) == 0);
    CHECK(!strcmp(cf_config_get(c, "anonymize", buf, sizeof buf), "true"));
    CHECK(set(c, "anonymize", "maybe", err) == -1);
    CHECK(set(c, "no-input-hash", NULL, err) == 0);
    CHECK(!strcmp(cf_config_get(c, "input-hash", buf, sizeof buf), "none"));
    /* Repeatable option. */
    CHECK(set(c, "local", "203.0.113.0/24", err) == 0 &&
          set(c, "local", "2001:db8::/32", err) == 0);
    CHECK(!strcmp(cf_config_get(c, "local", buf, sizeof buf), "203.0.113.0/24,2001:db8::/32"));
    /* A copy is independent. */
    cf_config *d = cf_config_dup(c);
    CHECK(d && set(d, "local", "10.0.0.0/8", err) == 0);
    CHECK(!strcmp(cf_config_get(c, "local", buf, sizeof buf), "203.0.113.0/24,2001:db8::/32"));
    cf_config_free(d);
    /* Enums by name. */
    CHECK(cf_enum_parse("size", "transport") == CF_SIZE_TRANSPORT);
    CHECK(cf_enum_parse("size", "nope") == -1 && cf_enum_parse("nope", "wire") == -1);
    CHECK(!strcmp(cf_enum_name("compression", CF_CODEC_GZIP), "gzip"));
    CHECK(cf_enum_name("layout", 99) == NULL);
    /* The option table: names unique, every visible option settable. */
    size_t n;
    const cf_option_info *o = cf_options(&n);
    CHECK(n > 10);
    for (size_t k = 0; k < n; k++) {
        for (size_t m = k + 1; m < n; m++)
            CHECK(strcmp(o[k].name, o[m].name) != 0);
        CHECK(o[k].help && *o[k].help);
    }
    /* The session checks what the options name and how they combine. */
    cf_session *s = cf_session_new(c, NULL, NULL, err, sizeof err);
    CHECK(s != NULL);
    cf_session_stop(s);
    CHECK(cf_session_stopping(s) == 1);
    cf_session_free(s);
    CHECK(set(c, "filter", "port nonsense", err) == 0);
    CHECK(cf_session_new(c, NULL, NULL, err, sizeof err) == NULL && strstr(err, "port nonsense"));
    CHECK(set(c, "filter", "udp", err) == 0);
    CHECK(set(c, "local", "300.1.1.0/24", err) == 0);
    CHECK(cf_session_new(c, NULL, NULL, err, sizeof err) == NULL &&
          strstr(err, "--local 300.1.1.0/24"));
    cf_config_free(c);
    c = cf_config_new();
    CHECK(set(c, "devices", "/nonexistent/devices.txt", err) == 0);
    CHECK(cf_session_new(c, NULL, NULL, err, sizeof err) == NULL && strstr(err, "devices.txt"));
    cf_config_free(c);
    /* Versions. */
    CHECK(!strcmp(cf_version(), CF_VERSION_STRING));
    CHECK(strstr(cf_library_versions(), "zstd") && strstr(cf_library_versions(), "zlib"));
    CHECK(strcmp(CF_VERSION_STRING, "0.2.0") == 0);
    return check_report();
}
