/* Device list parsing and the device decision (SPEC §4). */
#include <stdlib.h>

#include "check.h"
#include "flow/devices.h"

#define UNSW "/work/shared/pcaps/docs/UNSW_List_Of_Devices.txt"

static cf_localnets L;
static char label[256];
static int warnings;
static char last_warning[1024];

static void on_warn(void *ctx, const char *msg)
{
    (void)ctx;
    snprintf(last_warning, sizeof last_warning, "%s", msg);
    warnings++;
}

static cf_devices *parse(const char *text)
{
    char err[256];
    cf_devices *d = cf_devices_parse("test", text, strlen(text), err, sizeof err, on_warn, NULL);
    if (!d) {
        fprintf(stderr, "parse failed: %s\n", err);
        exit(2);
    }
    return d;
}

/* The label of endpoint (mac, ip), or "-" when it is not a device. mac may
 * be NULL (frame without MAC). */
static const char *M(const cf_devices *d, const char *mac, const char *ip)
{
    uint8_t m[6];
    cf_prefix p;
    if ((mac && cf_mac_parse_n(mac, strlen(mac), m) != 0) || cf_prefix_parse(ip, &p) != 0) {
        fprintf(stderr, "bad test input %s %s\n", mac ? mac : "", ip);
        exit(2);
    }
    if (!cf_devices_match(d, &L, mac ? m : NULL, &p.addr, label, sizeof label))
        return "-";
    return label;
}

static void check_unsw(const cf_devices *d)
{
    CHECK_EQ_INT(cf_devices_count(d), 31);
    CHECK_EQ_STR(M(d, "d0:52:a8:00:67:5e", "192.168.1.10"), "Smart Things");
    CHECK_EQ_STR(M(d, "44:65:0d:56:cc:d3", "192.168.1.11"), "Amazon Echo");
    CHECK_EQ_STR(M(d, "f4:f2:6d:93:51:f1", "192.168.1.12"), "TP-Link Day Night Cloud camera");
    CHECK_EQ_STR(M(d, "00:62:6e:51:27:2e", "192.168.1.13"), "Insteon Camera");
    CHECK_EQ_STR(M(d, "e8:ab:fa:19:de:4f", "192.168.1.14"), "Insteon Camera");
    CHECK_EQ_STR(M(d, "74:c6:3b:29:d7:1d", "192.168.1.15"), "iHome");
    CHECK_EQ_STR(M(d, "f4:5c:89:93:cc:85", "192.168.1.16"), "MacBook/Iphone");
    CHECK_EQ_STR(M(d, "14:cc:20:51:33:ea", "192.168.1.1"), "TPLink Router Bridge LAN (Gateway)");
    /* The gateway's MAC carries remote hosts: not local, not a device. */
    CHECK_EQ_STR(M(d, "14:cc:20:51:33:ea", "52.1.2.3"), "-");
    CHECK_EQ_STR(M(d, "14:CC:20:51:33:EA", "0.0.0.0"), "TPLink Router Bridge LAN (Gateway)");
    CHECK_EQ_STR(M(d, "d0:52:a8:00:67:5f", "192.168.1.10"), "-"); /* unlisted MAC */
    CHECK_EQ_STR(M(d, NULL, "192.168.1.10"), "-");                /* no MAC, IP unlisted */
}

static void test_unsw_file(void)
{
    FILE *f = fopen(UNSW, "rb");
    if (!f) {
        printf("skipping the shared UNSW list: %s not found\n", UNSW);
        return;
    }
    fclose(f);
    char err[256];
    warnings = 0;
    cf_devices *d = cf_devices_load(UNSW, err, sizeof err, on_warn, NULL);
    CHECK(d != NULL);
    if (!d)
        return;
    check_unsw(d);
    CHECK_EQ_INT(warnings, 0);
    cf_devices_free(d);
}

/* Like the UNSW file: header, blank CRLF line, tabs, trailing spaces, no
 * final newline. */
static void test_unsw_inline(void)
{
    const char *text = "List of Devices\t\t\t\tMAC ADDRESS\t\tConnection Type\r\n"
                       "\r\n"
                       "Smart Things \t\t\t\td0:52:a8:00:67:5e \tWired\r\n"
                       "Amazon Echo \t\t\t\t44:65:0d:56:cc:d3 \tWireless\r\n"
                       "TP-Link Day Night Cloud camera \t\tf4:f2:6d:93:51:f1 \tWireless\r\n"
                       "Insteon Camera \t\t\t\t00:62:6e:51:27:2e\tWired \r\n"
                       "Insteon Camera\t\t\t\te8:ab:fa:19:de:4f \tWireless\r\n"
                       "iHome \t\t\t\t\t74:c6:3b:29:d7:1d \tWireless\r\n"
                       "MacBook/Iphone\t\t\t\tf4:5c:89:93:cc:85\tWireless\r\n"
                       "TPLink Router Bridge LAN (Gateway)\t14:cc:20:51:33:ea";
    cf_devices *d = parse(text);
    CHECK_EQ_INT(cf_devices_count(d), 8);
    CHECK_EQ_STR(M(d, "d0:52:a8:00:67:5e", "10.0.0.2"), "Smart Things");
    CHECK_EQ_STR(M(d, "00:62:6e:51:27:2e", "10.0.0.3"), "Insteon Camera");
    CHECK_EQ_STR(M(d, "14:cc:20:51:33:ea", "10.0.0.1"), "TPLink Router Bridge LAN (Gateway)");
    CHECK_EQ_STR(M(d, "14:cc:20:51:33:ea", "8.8.8.8"), "-");
    cf_devices_free(d);
}

static void test_forms(void)
{
    warnings = 0;
    cf_devices *d = parse("# my lab\n"
                          "44:65:0d:56:cc:d3,Amazon Echo\n"
                          "44-65-0D-56-CC-D4 , Echo Dot ,  \n"
                          "Hub   AA-BB-CC-DD-EE-01   # the hub\n"
                          "aa:bb:cc:dd:ee:02\n" /* unnamed */
                          "aa:bb:cc:dd:ee:03 # only a comment after\n"
                          "Cam,aa:bb:cc:dd:ee:04,Wireless,extra\n"
                          "aa:bb:cc:dd:ee:05\tPlug\tWireless\n" /* all text after */
                          "First aa:bb:cc:dd:ee:06\n"
                          "Second aa:bb:cc:dd:ee:06\n" /* duplicate MAC: first wins */
                          "Printer 192.168.1.50\n"
                          "Lab 203.0.113.0/24\n"
                          "Special 203.0.113.9\n" /* after the block: the block wins */
                          "Phone 2001:db8::42\n"
                          "V6 net fd00:1::/64\n"
                          "Named by MAC 02:00:00:00:00:50\n"
                          "ip-only 10.9.9.9\n"
                          "broken aa:bb:cc:dd:ee:zz\n" /* warned, skipped */
                          "bad 10.0.0.0/40\n"          /* warned, skipped */
                          "Just a header line\n"
                          "Name with # hash 10.1.1.1\n" /* comment hides the address */
                          "\n");
    CHECK_EQ_INT(cf_devices_count(d), 16);
    /* Two lines skipped, one MAC listed again (the last warning). */
    CHECK_EQ_INT(warnings, 3);
    CHECK_EQ_STR(last_warning,
                 "test: line 10: aa:bb:cc:dd:ee:06 is listed again (first on line 9, which wins)");
    CHECK_EQ_STR(M(d, "44:65:0d:56:cc:d3", "192.168.0.2"), "Amazon Echo");
    CHECK_EQ_STR(M(d, "44:65:0d:56:cc:d4", "192.168.0.3"), "Echo Dot");
    CHECK_EQ_STR(M(d, "aa:bb:cc:dd:ee:01", "192.168.0.4"), "Hub");
    CHECK_EQ_STR(M(d, "aa:bb:cc:dd:ee:02", "192.168.0.5"), "aa:bb:cc:dd:ee:02");
    CHECK_EQ_STR(M(d, "aa:bb:cc:dd:ee:03", "192.168.0.6"), "aa:bb:cc:dd:ee:03");
    CHECK_EQ_STR(M(d, "aa:bb:cc:dd:ee:04", "192.168.0.7"), "Cam");
    CHECK_EQ_STR(M(d, "aa:bb:cc:dd:ee:05", "192.168.0.8"), "Plug\tWireless");
    CHECK_EQ_STR(M(d, "aa:bb:cc:dd:ee:06", "192.168.0.9"), "First");
    /* IP entries, with or without a MAC on the frame. */
    CHECK_EQ_STR(M(d, NULL, "192.168.1.50"), "Printer");
    CHECK_EQ_STR(M(d, "02:00:00:00:00:99", "192.168.1.50"), "Printer");
    CHECK_EQ_STR(M(d, NULL, "203.0.113.1"), "Lab"); /* listed block: public is fine */
    CHECK_EQ_STR(M(d, NULL, "203.0.113.9"), "Lab");
    CHECK_EQ_STR(M(d, NULL, "203.0.114.1"), "-");
    CHECK_EQ_STR(M(d, NULL, "2001:db8::42"), "Phone");
    CHECK_EQ_STR(M(d, NULL, "fd00:1::7"), "V6 net");
    CHECK_EQ_STR(M(d, NULL, "fd00:2::7"), "-");
    /* An IP match wins over a MAC match. */
    CHECK_EQ_STR(M(d, "02:00:00:00:00:50", "10.9.9.9"), "ip-only");
    CHECK_EQ_STR(M(d, "02:00:00:00:00:50", "10.9.9.8"), "Named by MAC");
    CHECK_EQ_STR(M(d, "02:00:00:00:00:50", "9.9.9.9"), "-"); /* public */
    CHECK_EQ_STR(M(d, "02:00:00:00:00:50", "::"), "Named by MAC");
    CHECK_EQ_STR(M(d, "02:00:00:00:00:50", "fe80::1"), "Named by MAC");
    CHECK_EQ_STR(M(d, NULL, "10.1.1.1"), "-");
    CHECK_EQ_STR(M(d, NULL, "10.0.0.1"), "-");
    cf_devices_free(d);

    /* Unnamed IP entry: labelled by the MAC where there is one, else IP. */
    d = parse("192.168.7.7\n,,fd00::7,,\n");
    CHECK_EQ_INT(cf_devices_count(d), 2);
    CHECK_EQ_STR(M(d, "02:00:00:00:00:07", "192.168.7.7"), "02:00:00:00:00:07");
    CHECK_EQ_STR(M(d, NULL, "192.168.7.7"), "192.168.7.7");
    CHECK_EQ_STR(M(d, NULL, "fd00::7"), "fd00::7");
    cf_devices_free(d);

    /* IP entries in file order: the host line before the block wins. */
    d = parse("Host 10.0.0.5\nNet 10.0.0.0/24\nHost2 10.0.0.6/32\n");
    CHECK_EQ_STR(M(d, NULL, "10.0.0.5"), "Host");
    CHECK_EQ_STR(M(d, NULL, "10.0.0.6"), "Net");
    CHECK_EQ_STR(M(d, NULL, "10.0.0.7"), "Net");
    cf_devices_free(d);

    /* Empty list: nothing is a device, and a warning says so. */
    warnings = 0;
    d = parse("just a header\n");
    CHECK_EQ_INT(cf_devices_count(d), 0);
    CHECK_EQ_INT(warnings, 1);
    CHECK(strstr(last_warning, "test: no device listed (1 line,") == last_warning);
    CHECK_EQ_STR(M(d, "02:00:00:00:00:07", "192.168.7.7"), "-");
    cf_devices_free(d);

    /* Odd bytes: NUL, invalid UTF-8, a very long line. */
    static const char odd[] = "Caf\xc3\xa9 \xff\x00x 10.0.0.9\n";
    char err[128];
    d = cf_devices_parse("odd", odd, sizeof odd - 1, err, sizeof err, NULL, NULL);
    CHECK(d != NULL);
    CHECK_EQ_STR(M(d, NULL, "10.0.0.9"), "Caf\xc3\xa9 \xef\xbf\xbd x");
    cf_devices_free(d);
    /* A cut 3-byte sequence is one replacement; a lone continuation byte,
     * an overlong lead and a surrogate each give theirs. */
    static const char odd2[] = "A\xe2\x82Z\x80\xc0\xaf\xed\xa0\x80\xf0\x9f\x98\x80 10.0.0.8";
    d = cf_devices_parse("odd", odd2, sizeof odd2 - 1, err, sizeof err, NULL, NULL);
    CHECK_EQ_STR(M(d, NULL, "10.0.0.8"), "A\xef\xbf\xbdZ\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                                         "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xf0\x9f\x98\x80");
    cf_devices_free(d);
    size_t big = 1 << 20;
    char *longline = malloc(big + 64);
    memset(longline, 'n', big);
    strcpy(longline + big, " 02:00:00:00:00:aa x");
    d = parse(longline);
    CHECK_EQ_INT(cf_devices_count(d), 1);
    CHECK_EQ_INT(strlen(M(d, "02:00:00:00:00:aa", "10.0.0.1")), sizeof label - 1);
    const char *name = NULL;
    uint8_t m[6] = {2, 0, 0, 0, 0, 0xaa};
    cf_addr ip = {4, {10, 0, 0, 1}};
    CHECK_EQ_INT(cf_devices_lookup(d, &L, m, &ip, &name), 1);
    CHECK(name && strlen(name) == big);
    cf_devices_free(d);
    free(longline);
}

static void test_no_list(void)
{
    CHECK_EQ_STR(M(NULL, "D0:52:A8:00:67:5E", "192.168.1.10"), "d0:52:a8:00:67:5e");
    CHECK_EQ_STR(M(NULL, NULL, "192.168.1.10"), "192.168.1.10");
    CHECK_EQ_STR(M(NULL, NULL, "fe80::1"), "fe80::1");
    CHECK_EQ_STR(M(NULL, "02:00:00:00:00:01", "0.0.0.0"), "02:00:00:00:00:01");
    CHECK_EQ_STR(M(NULL, NULL, "::"), "::");
    CHECK_EQ_STR(M(NULL, "02:00:00:00:00:01", "8.8.8.8"), "-");
    CHECK_EQ_STR(M(NULL, NULL, "2001:db8::1"), "-");
    cf_localnets_add(&L, "2001:db8::/32");
    CHECK_EQ_STR(M(NULL, NULL, "2001:db8::1"), "2001:db8::1");
}

/* Without a list, group (broadcast, multicast) and all-zero MACs are not
 * stations, whatever the IP address; a frame without MAC goes by its IP. */
static void test_no_list_not_stations(void)
{
    CHECK_EQ_STR(M(NULL, "ff:ff:ff:ff:ff:ff", "192.168.1.255"), "-");
    CHECK_EQ_STR(M(NULL, "01:00:5e:00:00:fb", "192.168.1.7"), "-");
    CHECK_EQ_STR(M(NULL, "33:33:00:00:00:01", "fe80::1"), "-");
    CHECK_EQ_STR(M(NULL, "00:00:00:00:00:00", "10.0.0.1"), "-");
    CHECK_EQ_STR(M(NULL, "03:00:00:00:00:01", "10.0.0.1"), "-"); /* I/G bit */
    CHECK_EQ_STR(M(NULL, "02:00:00:00:00:00", "10.0.0.1"), "02:00:00:00:00:00");
    CHECK_EQ_STR(M(NULL, NULL, "192.168.1.255"), "192.168.1.255");
    /* A list names them if the user says so. */
    cf_devices *d = parse("Everyone ff:ff:ff:ff:ff:ff\n");
    CHECK_EQ_STR(M(d, "ff:ff:ff:ff:ff:ff", "192.168.1.255"), "Everyone");
    cf_devices_free(d);
}

/* Listed devices never matched are named in one warning, in line order;
 * a repeated line is not one of them. */
static void test_unseen(void)
{
    warnings = 0;
    cf_devices *d = parse("Cam 02:00:00:00:00:01\nPlug 02:00:00:00:00:02\n"
                          "Again 02:00:00:00:00:01\n10.0.0.9\nNet 10.1.0.0/16\n");
    CHECK_EQ_INT(warnings, 1); /* the repeated MAC */
    CHECK_EQ_STR(M(d, "02:00:00:00:00:01", "10.0.0.1"), "Cam");
    warnings = 0;
    cf_devices_warn_unseen(d, on_warn, NULL);
    CHECK_EQ_INT(warnings, 1);
    CHECK_EQ_STR(last_warning, "test: 3 listed devices had no traffic: Plug (line 2), 10.0.0.9 "
                               "(line 4), Net (line 5)");
    CHECK_EQ_STR(M(d, NULL, "10.1.2.3"), "Net");
    CHECK_EQ_STR(M(d, NULL, "10.0.0.9"), "10.0.0.9");
    CHECK_EQ_STR(M(d, "02:00:00:00:00:02", "10.0.0.2"), "Plug");
    warnings = 0;
    cf_devices_warn_unseen(d, on_warn, NULL);
    CHECK_EQ_INT(warnings, 0);
    cf_devices_free(d);
    /* Many repeats: a bounded number of lines, then a count. */
    char *many = malloc(40 * 40);
    size_t at = 0;
    for (int k = 0; k < 40; k++)
        at += (size_t)snprintf(many + at, 40 * 40 - at, "Dup%d 02:00:00:00:00:07\n", k);
    warnings = 0;
    d = parse(many);
    CHECK_EQ_INT(warnings, 21);
    CHECK_EQ_STR(last_warning, "test: 19 more lines list an address again");
    cf_devices_free(d);
    free(many);
}

static void test_load_errors(void)
{
    char err[256] = "";
    cf_devices *d = cf_devices_load("/nonexistent/devices.txt", err, sizeof err, NULL, NULL);
    CHECK(d == NULL);
    CHECK(strstr(err, "/nonexistent/devices.txt") != NULL);
}

int main(void)
{
    cf_localnets_init(&L);
    test_unsw_file();
    test_unsw_inline();
    test_forms();
    test_no_list();
    test_no_list_not_stations();
    test_unseen();
    test_load_errors();
    cf_localnets_free(&L);
    return check_report();
}
