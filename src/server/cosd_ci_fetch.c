/* cosd_ci_fetch: downloads the Url input of a moderation job with libcurl into a temporary file:
 * http/https only (also after redirects), bounded redirects, size limit, connect and total
 * timeouts. Failures are job failures -65010 (download) or -65011 (too large). */
#include "cosd_ci_int.h"

#include "cosx_digest.h"
#include "cosx_encode.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

typedef struct sink {
    int fd;
    uint64_t written;
    uint64_t max;
    bool too_large;
    bool io_error;
} sink_t;

static size_t on_write(char *p, size_t sz, size_t n, void *ud)
{
    sink_t *s = ud;
    size_t len = sz * n;
    if (s->written + len > s->max) {
        s->too_large = true;
        return 0;
    }
    for (size_t off = 0; off < len;) {
        ssize_t w = write(s->fd, p + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            s->io_error = true;
            return 0;
        }
        off += (size_t)w;
    }
    s->written += len;
    return len;
}

bool cosd_ci_fetch_limits(const cJSON *conf, cosd_ci_fetch_limits_t *lim, char *err, size_t errlen)
{
    *lim = (cosd_ci_fetch_limits_t){.max_bytes = 600ull * 1024 * 1024,
                                    .timeout_s = 120,
                                    .connect_timeout_s = 10,
                                    .max_redirects = 5};
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(conf, "url_fetch");
    if (!f)
        return true;
    if (!cJSON_IsObject(f)) {
        snprintf(err, errlen, "moderation.url_fetch must be an object");
        return false;
    }
    static const struct {
        const char *key;
        double min, max;
    } keys[] = {{"max_bytes", 1, 1e13},
                {"timeout_s", 1, 86400},
                {"connect_timeout_s", 1, 3600},
                {"max_redirects", 0, 50}};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, keys[i].key);
        if (!v)
            continue;
        if (!cJSON_IsNumber(v) || v->valuedouble < keys[i].min || v->valuedouble > keys[i].max) {
            snprintf(err, errlen, "moderation.url_fetch.%s must be a number from %.0f to %.0f",
                     keys[i].key, keys[i].min, keys[i].max);
            return false;
        }
        if (i == 0)
            lim->max_bytes = (uint64_t)v->valuedouble;
        else if (i == 1)
            lim->timeout_s = (long)v->valuedouble;
        else if (i == 2)
            lim->connect_timeout_s = (long)v->valuedouble;
        else
            lim->max_redirects = (long)v->valuedouble;
    }
    return true;
}

int cosd_ci_fetch(const char *url, const char *dir, const cosd_ci_fetch_limits_t *lim, char *path,
                  size_t pathlen, char *msg, size_t msglen)
{
    uint64_t max_bytes = lim->max_bytes;
    path[0] = 0;
    if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0) {
        snprintf(msg, msglen, "The Url must be http:// or https://.");
        return COSD_CI_ERR_DOWNLOAD;
    }
    unsigned char rnd[8];
    char hex[17];
    if (!cosx_random_bytes(rnd, sizeof rnd)) {
        snprintf(msg, msglen, "The random generator failed.");
        return COSD_CI_ERR_DOWNLOAD;
    }
    cosx_hex_encode(rnd, sizeof rnd, hex);
    snprintf(path, pathlen, "%s/fetch-%s", dir, hex);
    sink_t s = {.fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600), .max = max_bytes};
    if (s.fd < 0) {
        snprintf(msg, msglen, "Cannot create a temporary file for the download: %s.",
                 strerror(errno));
        path[0] = 0;
        return COSD_CI_ERR_DOWNLOAD;
    }
    CURL *c = curl_easy_init();
    char errbuf[CURL_ERROR_SIZE] = "";
    CURLcode rc = CURLE_OUT_OF_MEMORY;
    long status = 0;
    if (c) {
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(c, CURLOPT_MAXREDIRS, lim->max_redirects);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, lim->connect_timeout_s);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, lim->timeout_s);
        curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max_bytes);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(c, CURLOPT_USERAGENT, "cosd-ci-fetch");
        rc = curl_easy_perform(c);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_cleanup(c);
    }
    close(s.fd);
    int code = 0;
    if (s.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
        code = COSM_ERR_TOO_LARGE;
        snprintf(msg, msglen, "The file at the Url is larger than the %llu-byte limit.",
                 (unsigned long long)max_bytes);
    } else if (rc == CURLE_TOO_MANY_REDIRECTS) {
        code = COSD_CI_ERR_DOWNLOAD;
        snprintf(msg, msglen, "Download failed: more than %ld redirects.", lim->max_redirects);
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        code = COSD_CI_ERR_DOWNLOAD;
        snprintf(msg, msglen, "Download failed: timed out (%s).", errbuf[0] ? errbuf : "no answer");
    } else if (rc != CURLE_OK) {
        code = COSD_CI_ERR_DOWNLOAD;
        snprintf(msg, msglen, "Download failed: %s.", errbuf[0] ? errbuf : curl_easy_strerror(rc));
    } else if (status < 200 || status > 299) {
        code = COSD_CI_ERR_DOWNLOAD;
        snprintf(msg, msglen, "Download failed: the server answered HTTP %ld.", status);
    } else if (s.written == 0) {
        code = COSM_ERR_DECODE;
        snprintf(msg, msglen, "The file at the Url is empty.");
    }
    if (code) {
        unlink(path);
        path[0] = 0;
    }
    return code;
}
