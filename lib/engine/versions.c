/* Versions: the library's own (cf_version), and those of the libraries the
 * running process uses (cf_library_versions: asked of the libraries
 * themselves, not taken from the headers the library was built with), for
 * --version and bug reports. */
#include "customflow.h"

#include <pcap/pcap.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

const char *cf_version(void)
{
    return CF_VERSION_STRING;
}

static char versions[160];
static pthread_once_t versions_once = PTHREAD_ONCE_INIT;

/* pcap_lib_version() reads "libpcap version 1.10.3 (with TPACKET_V3)";
 * only the version number is kept. */
static void pcap_version(char *out, size_t len)
{
    const char *s = pcap_lib_version();
    const char *prefix = "libpcap version ";
    if (strncmp(s, prefix, strlen(prefix)) == 0)
        s += strlen(prefix);
    size_t n = strcspn(s, " ");
    snprintf(out, len, "%.*s", (int)n, s);
}

static void build_versions(void)
{
    char pcap[64];
    pcap_version(pcap, sizeof pcap);
    snprintf(versions, sizeof versions, "libpcap %s, zstd %s, zlib %s", pcap, ZSTD_versionString(),
             zlibVersion());
}

const char *cf_library_versions(void)
{
    pthread_once(&versions_once, build_versions);
    return versions;
}
