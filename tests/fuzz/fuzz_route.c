/* fuzz_route: fuzz target for cosd's router (host + path -> service / bucket / object / CI, COS_PROTOCOL
 * 1.4) and its key and bucket-name checks. The input is "HOST\nPATH". Invariants: an object route has a
 * valid bucket name and a key that passes the key check; an error route names a status and code. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cosd_route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) {
        return 0;
    }
    memcpy(s, data, size);
    s[size] = '\0';
    char *nl = strchr(s, '\n');
    const char *host = s, *path = "/";
    if (nl) {
        *nl = '\0';
        path = nl + 1;
    }
    char *domains[] = {"myqcloud.com", "tencentcos.cn", "localhost", "cos.lan"};
    cosd_route_t r;
    if (cosd_route_parse(host, path, domains, 2, 4, &r)) {
        if (r.kind == COSD_ROUTE_OBJECT) {
            char msg[256];
            if (!r.key || !cosd_bucket_name_valid(r.bucket) ||
                cosd_key_check(r.key, strlen(r.key), msg, sizeof(msg)) != NULL) {
                abort();
            }
        }
        if (r.kind == COSD_ROUTE_ERROR && (r.err_status < 400 || !r.err_code)) {
            abort();
        }
        cosd_route_free(&r);
    }
    free(s);
    return 0;
}
