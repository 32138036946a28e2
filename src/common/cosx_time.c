/* cosx_time.c: formatting and parsing of the protocol's time strings. Written without strftime /
 * strptime so that results never depend on the process locale; conversion to time_t uses timegm. */
#include "cosx_time.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const DAYS[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const MONTHS[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static void copy_out(char *out, size_t cap, const char *tmp)
{
    size_t l = strlen(tmp);
    if (l >= cap) {
        l = cap - 1;
    }
    memcpy(out, tmp, l);
    out[l] = '\0';
}

/* Writes n decimal digits of v (zero-padded) at p; returns the end. */
static char *put_digits(char *p, int v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + n;
}

/* Formatted by hand: every GET and HEAD answer carries a Last-Modified date, and snprintf costs ten
 * times as much. */
void cosx_time_rfc1123(time_t t, char out[COSX_RFC1123_LEN])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    char *p = out;
    memcpy(p, DAYS[tm.tm_wday % 7], 3);
    p += 3;
    *p++ = ',';
    *p++ = ' ';
    p = put_digits(p, tm.tm_mday, 2);
    *p++ = ' ';
    memcpy(p, MONTHS[tm.tm_mon % 12], 3);
    p += 3;
    *p++ = ' ';
    p = put_digits(p, (tm.tm_year + 1900) % 10000, 4);
    *p++ = ' ';
    p = put_digits(p, tm.tm_hour, 2);
    *p++ = ':';
    p = put_digits(p, tm.tm_min, 2);
    *p++ = ':';
    p = put_digits(p, tm.tm_sec, 2);
    memcpy(p, " GMT", 5);
}

void cosx_time_iso8601(time_t t, bool millis, char out[COSX_ISO8601_LEN])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d%sZ", (tm.tm_year + 1900) % 10000,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis ? ".000" : "");
    copy_out(out, COSX_ISO8601_LEN, tmp);
}

static int month_of(const char *s)
{
    for (int i = 0; i < 12; i++) {
        if (strncasecmp(s, MONTHS[i], 3) == 0) {
            return i;
        }
    }
    return -1;
}

static bool valid_tm(const struct tm *tm)
{
    return tm->tm_mon >= 0 && tm->tm_mon < 12 && tm->tm_mday >= 1 && tm->tm_mday <= 31 &&
           tm->tm_hour >= 0 && tm->tm_hour <= 23 && tm->tm_min >= 0 && tm->tm_min <= 59 &&
           tm->tm_sec >= 0 && tm->tm_sec <= 60 && tm->tm_year >= 70;
}

static bool finish(struct tm *tm, time_t *out)
{
    if (!valid_tm(tm)) {
        return false;
    }
    time_t t = timegm(tm);
    if (t == (time_t)-1) {
        return false;
    }
    *out = t;
    return true;
}

bool cosx_time_parse_http(const char *s, time_t *out)
{
    if (!s) {
        return false;
    }
    while (isspace((unsigned char)*s)) {
        s++;
    }
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    char mon[4] = {0}, zone[8] = {0};
    int consumed = 0;
    const char *rest;
    const char *comma = strchr(s, ',');
    if (comma && comma - s == 3) {
        /* RFC 1123: "Thu, 16 May 2019 06:45:51 GMT" */
        if (sscanf(comma + 1, " %2d %3s %4d %2d:%2d:%2d %7s%n", &tm.tm_mday, mon, &tm.tm_year,
                   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, zone, &consumed) != 7) {
            return false;
        }
        tm.tm_year -= 1900;
        rest = comma + 1 + consumed;
    } else if (comma) {
        /* RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" */
        if (sscanf(comma + 1, " %2d-%3s-%4d %2d:%2d:%2d %7s%n", &tm.tm_mday, mon, &tm.tm_year,
                   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, zone, &consumed) != 7) {
            return false;
        }
        if (tm.tm_year < 100) {
            tm.tm_year += tm.tm_year < 70 ? 100 : 0;
        } else {
            tm.tm_year -= 1900;
        }
        rest = comma + 1 + consumed;
    } else {
        /* asctime: "Sun Nov  6 08:49:37 1994" */
        char day[4] = {0};
        if (sscanf(s, "%3s %3s %2d %2d:%2d:%2d %4d%n", day, mon, &tm.tm_mday, &tm.tm_hour,
                   &tm.tm_min, &tm.tm_sec, &tm.tm_year, &consumed) != 7) {
            return false;
        }
        tm.tm_year -= 1900;
        strcpy(zone, "GMT");
        rest = s + consumed;
    }
    while (isspace((unsigned char)*rest)) {
        rest++;
    }
    if (*rest != '\0' || (strcmp(zone, "GMT") != 0 && strcmp(zone, "UTC") != 0)) {
        return false;
    }
    tm.tm_mon = month_of(mon);
    return finish(&tm, out);
}

static bool digits(const char *s, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) {
            return false;
        }
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return true;
}

bool cosx_time_parse_iso8601(const char *s, time_t *out)
{
    if (!s) {
        return false;
    }
    while (isspace((unsigned char)*s)) {
        s++;
    }
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    int y, mo, d, h, mi, sec;
    if (strlen(s) >= 19 && digits(s, 4, &y) && s[4] == '-' && digits(s + 5, 2, &mo) &&
        s[7] == '-' && digits(s + 8, 2, &d) && (s[10] == 'T' || s[10] == 't' || s[10] == ' ') &&
        digits(s + 11, 2, &h) && s[13] == ':' && digits(s + 14, 2, &mi) && s[16] == ':' &&
        digits(s + 17, 2, &sec)) {
        const char *p = s + 19;
        if (*p == '.' || *p == ',') {
            p++;
            if (!isdigit((unsigned char)*p)) {
                return false;
            }
            while (isdigit((unsigned char)*p)) {
                p++;
            }
        }
        long offset = 0;
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om;
            int sign = *p == '-' ? -1 : 1;
            if (!digits(p + 1, 2, &oh)) {
                return false;
            }
            p += 3;
            if (*p == ':') {
                p++;
            }
            if (!digits(p, 2, &om)) {
                return false;
            }
            p += 2;
            offset = sign * (oh * 3600L + om * 60L);
        }
        if (*p != '\0') {
            return false;
        }
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d;
        tm.tm_hour = h;
        tm.tm_min = mi;
        tm.tm_sec = sec;
        time_t t;
        if (!finish(&tm, &t)) {
            return false;
        }
        *out = t - offset;
        return true;
    }
    return cosx_time_parse_http(s, out);
}
