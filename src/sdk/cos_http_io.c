/* cos_http_io.c: process set-up (libcurl global init, user agent, the keep-alive handle cache) and the
 * HTTP controller: each controller owns a copy of the request options, so settings never leak between
 * controllers or threads. */
#include <pthread.h>
#include <stdbool.h>
#include <sys/time.h>

#include <curl/curl.h>

#include "cosi.h"
#include "cosx_xml.h"

static cos_http_request_options_t cosi_default_request_options = {
    .speed_limit = COS_MIN_SPEED_LIMIT,
    .speed_time = COS_MIN_SPEED_TIME,
    .dns_cache_timeout = COS_DNS_CACHE_TIMOUT,
    .connect_timeout = COS_CONNECT_TIMEOUT,
    .max_memory_size = COS_MAX_MEMORY_SIZE,
    .enable_crc = COS_TRUE,
    .enable_md5 = COS_TRUE,
    .proxy_host = NULL,
    .proxy_auth = NULL,
    .host_ip = NULL,
    .host_port = 0,
};

static cos_http_transport_options_t cosi_default_transport_options = {
    .user_agent = NULL,
    .cacerts_path = NULL,
    .ssl_verification_disabled = 0,
};

cos_pool_t *cos_global_pool = NULL;
apr_file_t *cos_stderr_file = NULL;
cos_http_request_options_t *cos_default_http_request_options = &cosi_default_request_options;
cos_http_transport_options_t *cos_default_http_transport_options = &cosi_default_transport_options;

static char cosi_ua[256] = COS_VER "(Compatible Unknown)";
static int cosi_retry_change_domain = COS_FALSE;

/* Cache of idle curl easy handles: a handle keeps its connections alive, so reusing it reuses them.
 * Protected by a mutex; handles are used by one thread at a time. */
static pthread_mutex_t cosi_handles_lock = PTHREAD_MUTEX_INITIALIZER;
static cosi_handle_t *cosi_handles[COS_REQUEST_STACK_SIZE];
static int cosi_nhandles = 0;
static bool cosi_initialized = false;

static void cosi_handle_free(cosi_handle_t *h)
{
    curl_easy_cleanup(h->curl);
    free(h);
}

int cos_http_io_initialize(const char *user_agent_info, int flag)
{
    (void)flag;
    if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK) {
        return COSE_INTERNAL_ERROR;
    }
    cosx_xml_init(); /* libxml2's global state, before any thread parses */
    if (user_agent_info == NULL || user_agent_info[0] == '\0') {
        user_agent_info = "Unknown";
    }
    snprintf(cosi_ua, sizeof(cosi_ua), "%s(Compatible %s)", COS_VER, user_agent_info);
    if (cos_default_http_transport_options->user_agent == NULL) {
        cos_default_http_transport_options->user_agent = cosi_ua;
    }
    pthread_mutex_lock(&cosi_handles_lock);
    cosi_initialized = true;
    pthread_mutex_unlock(&cosi_handles_lock);
    return COSE_OK;
}

void cos_http_io_deinitialize(void)
{
    pthread_mutex_lock(&cosi_handles_lock);
    for (int i = 0; i < cosi_nhandles; i++) {
        cosi_handle_free(cosi_handles[i]);
    }
    cosi_nhandles = 0;
    cosi_initialized = false;
    pthread_mutex_unlock(&cosi_handles_lock);
    if (cos_default_http_transport_options->user_agent == cosi_ua) {
        cos_default_http_transport_options->user_agent = NULL;
    }
    curl_global_cleanup();
}

const char *cosi_user_agent(void)
{
    const char *ua = cos_default_http_transport_options->user_agent;
    return ua != NULL ? ua : cosi_ua;
}

cosi_handle_t *cosi_handle_get(void)
{
    cosi_handle_t *h = NULL;
    pthread_mutex_lock(&cosi_handles_lock);
    if (cosi_nhandles > 0) {
        h = cosi_handles[--cosi_nhandles];
    }
    pthread_mutex_unlock(&cosi_handles_lock);
    if (h != NULL) {
        return h;
    }
    h = calloc(1, sizeof(*h));
    if (h == NULL) {
        return NULL;
    }
    h->curl = curl_easy_init();
    if (h->curl == NULL) {
        free(h);
        return NULL;
    }
    h->fresh = true;
    return h;
}

void cosi_handle_put(cosi_handle_t *h)
{
    if (h == NULL) {
        return;
    }
    pthread_mutex_lock(&cosi_handles_lock);
    if (cosi_initialized && cosi_nhandles < COS_REQUEST_STACK_SIZE) {
        cosi_handles[cosi_nhandles++] = h;
        h = NULL;
    }
    pthread_mutex_unlock(&cosi_handles_lock);
    if (h != NULL) {
        cosi_handle_free(h);
    }
}

cos_http_controller_t *cos_http_controller_create(cos_pool_t *p, int owner)
{
    if (p == NULL && cos_pool_create(&p, NULL) != COSE_OK) {
        return NULL;
    }
    cosi_controller_t *c = cos_pcalloc(p, sizeof(*c));
    if (c == NULL) {
        return NULL;
    }
    c->opts = *cos_default_http_request_options;
    c->opts.proxy_host = cos_pstrdup_cstr(p, c->opts.proxy_host);
    c->opts.proxy_auth = cos_pstrdup_cstr(p, c->opts.proxy_auth);
    c->opts.host_ip = cos_pstrdup_cstr(p, c->opts.host_ip);
    c->ex.options = &c->opts;
    c->ex.pool = p;
    c->ex.owner = owner ? 1 : 0;
    c->magic = COSI_CTL_MAGIC;
    c->ca_path = cos_pstrdup_cstr(p, cos_default_http_transport_options->cacerts_path);
    c->ssl_verify = cos_default_http_transport_options->ssl_verification_disabled ? 0 : 1;
    return (cos_http_controller_t *)c;
}

static cosi_controller_t *cosi_ctl(const cos_http_controller_t *ctl)
{
    cosi_controller_t *c = (cosi_controller_t *)ctl;
    return (c != NULL && c->magic == COSI_CTL_MAGIC) ? c : NULL;
}

void cos_set_content_md5_enable(cos_http_controller_t *ctl, int enable)
{
    if (ctl != NULL && ctl->options != NULL) {
        ctl->options->enable_md5 = enable ? COS_TRUE : COS_FALSE;
    }
}

void cos_set_request_route(cos_http_controller_t *ctl, char *host_ip, int host_port)
{
    if (ctl == NULL || ctl->options == NULL) {
        return;
    }
    ctl->options->host_ip = cos_pstrdup_cstr(ctl->pool, host_ip);
    ctl->options->host_port = host_port;
}

void cos_set_ca_path(cos_http_controller_t *ctl, const char *ca_path)
{
    cosi_controller_t *c = cosi_ctl(ctl);
    if (c != NULL) {
        c->ca_path = cos_pstrdup_cstr(ctl->pool, ca_path);
    }
}

void cos_set_ssl_verify(cos_http_controller_t *ctl, int enable)
{
    cosi_controller_t *c = cosi_ctl(ctl);
    if (c != NULL) {
        c->ssl_verify = enable ? 1 : 0;
    }
}

const char *cosi_ctl_ca_path(const cos_http_controller_t *ctl)
{
    cosi_controller_t *c = cosi_ctl(ctl);
    return c != NULL ? c->ca_path : cos_default_http_transport_options->cacerts_path;
}

int cosi_ctl_ssl_verify(const cos_http_controller_t *ctl)
{
    cosi_controller_t *c = cosi_ctl(ctl);
    return c != NULL ? c->ssl_verify : !cos_default_http_transport_options->ssl_verification_disabled;
}

void set_retry_change_domin(int user_retry_change_domin)
{
    cosi_retry_change_domain = user_retry_change_domin;
}

int get_retry_change_domin(void)
{
    return cosi_retry_change_domain;
}

int64_t cosi_now_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}
